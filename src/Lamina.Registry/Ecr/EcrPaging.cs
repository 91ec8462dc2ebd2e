using System.Buffers.Text;
using System.Text;

namespace Lamina.Registry.Ecr;

/// <summary>
/// nextToken paging over a list in a stable key order: the token is the base64url of the last key returned,
/// so a page boundary survives items added or removed between calls.
/// </summary>
internal static class EcrPaging
{
    public static (List<T> Page, string? NextToken, bool BadToken) Page<T>(IEnumerable<T> items, Func<T, string> key, string? nextToken, int max)
    {
        string? after = null;
        if (nextToken is not null)
        {
            if (!Base64Url.IsValid(nextToken)) return ([], null, true);
            after = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(nextToken));
        }
        var sorted = items.OrderBy(key, StringComparer.Ordinal).Where(i => after is null || string.CompareOrdinal(key(i), after) > 0).Take(max + 1).ToList();
        if (sorted.Count <= max) return (sorted, null, false);
        sorted.RemoveAt(max);
        return (sorted, Token(key(sorted[^1])), false);
    }

    public static string Token(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    public static string? After(string? nextToken) =>
        nextToken is not null && Base64Url.IsValid(nextToken) ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(nextToken)) : null;
}
