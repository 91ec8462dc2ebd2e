using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lamina.Runtimes.Debian;

/// <summary>
/// The Debian archive the images come from: a suite and its apt source lines (main, updates, security).
/// <see cref="StateAsync"/> fingerprints the archive's signed InRelease files: package versions change only
/// when one of them does, so it keys the layer cache (a new point release or security update → new layers).
/// </summary>
public sealed record DebianArchive(string Suite, string Mirror, string SecurityMirror)
{
    /// <summary>Debian 12, the suite whose python3 is 3.11 (AWS's python:3.11 line).</summary>
    public static DebianArchive Bookworm { get; } = new("bookworm", "http://deb.debian.org/debian", "http://deb.debian.org/debian-security");

    /// <summary>The one-line apt sources mmdebstrap gets.</summary>
    public IReadOnlyList<string> SourceLines =>
    [
        $"deb {Mirror} {Suite} main",
        $"deb {Mirror} {Suite}-updates main",
        $"deb {SecurityMirror} {Suite}-security main",
    ];

    private IEnumerable<string> ReleaseUrls =>
    [
        $"{Mirror}/dists/{Suite}/InRelease",
        $"{Mirror}/dists/{Suite}-updates/InRelease",
        $"{SecurityMirror}/dists/{Suite}-security/InRelease",
    ];

    /// <summary>SHA-256 (hex) over the InRelease files; fails with a clear error when the mirror is unreachable.</summary>
    public async Task<string> StateAsync(HttpClient http, CancellationToken ct)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var url in ReleaseUrls)
        {
            byte[] body;
            try
            {
                using var response = await http.GetAsync(url, ct);
                if (!response.IsSuccessStatusCode)
                    throw new RuntimeBuildException($"the Debian mirror answered {(int)response.StatusCode} for {url}");
                body = await response.Content.ReadAsByteArrayAsync(ct);
            }
            catch (HttpRequestException e)
            {
                throw new RuntimeBuildException($"cannot reach the Debian mirror ({url}): {e.Message}");
            }
            hash.AppendData(Encoding.UTF8.GetBytes(url + "\n" + body.Length.ToString(CultureInfo.InvariantCulture) + "\n"));
            hash.AppendData(body);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
