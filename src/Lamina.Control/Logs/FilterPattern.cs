namespace Lamina.Control.Logs;

/// <summary>
/// The unstructured subset of CloudWatch Logs filter patterns, case-sensitive like AWS's:
/// <c>ERROR timeout</c> (every term), <c>"request failed"</c> (a quoted phrase), <c>?ERROR ?WARN</c>
/// (any of the ?-terms), <c>-DEBUG</c> (none of the excluded terms). An empty pattern matches everything.
/// JSON (<c>{ $.x = 1 }</c>) and space-delimited (<c>[a, b]</c>) patterns are refused.
/// </summary>
public sealed class FilterPattern
{
    private readonly List<string> _all = [];
    private readonly List<string> _any = [];
    private readonly List<string> _none = [];

    public static readonly FilterPattern Everything = new();

    /// <summary>Parses <paramref name="text"/>; an error message when it is not supported or malformed.</summary>
    public static (FilterPattern? Pattern, string? Error) Parse(string? text)
    {
        var p = new FilterPattern();
        if (string.IsNullOrWhiteSpace(text)) return (p, null);
        var t = text.Trim();
        if (t[0] is '{' or '[')
            return (null, "Lamina supports term and quoted-phrase filter patterns only, not JSON or space-delimited patterns.");
        var i = 0;
        while (i < t.Length)
        {
            if (char.IsWhiteSpace(t[i]))
            {
                i++;
                continue;
            }
            var target = p._all;
            if (t[i] is '?' or '-')
            {
                target = t[i] == '?' ? p._any : p._none;
                i++;
            }
            string term;
            if (i < t.Length && t[i] == '"')
            {
                var close = t.IndexOf('"', i + 1);
                if (close < 0) return (null, "Invalid filter pattern: unterminated quoted phrase.");
                term = t[(i + 1)..close];
                i = close + 1;
            }
            else
            {
                var endAt = i;
                while (endAt < t.Length && !char.IsWhiteSpace(t[endAt])) endAt++;
                term = t[i..endAt];
                i = endAt;
            }
            if (term.Length == 0) return (null, "Invalid filter pattern: empty term.");
            target.Add(term);
        }
        return (p, null);
    }

    public bool Matches(string message) =>
        _all.TrueForAll(t => message.Contains(t, StringComparison.Ordinal))
        && (_any.Count == 0 || _any.Exists(t => message.Contains(t, StringComparison.Ordinal)))
        && !_none.Exists(t => message.Contains(t, StringComparison.Ordinal));
}
