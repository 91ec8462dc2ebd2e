using System.Text.RegularExpressions;

namespace Lamina.Oci;

/// <summary>
/// Validation of repository names and tags with the distribution spec's grammar.
/// A valid name never contains "..", a leading "/", or characters outside [a-z0-9._/-],
/// so it can never escape a directory when used in a path.
/// </summary>
public static partial class RepositoryName
{
    /// <summary>Total length limit the spec recommends clients keep under (host plus name ≤ 255).</summary>
    public const int MaxLength = 255;

    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && NamePattern().IsMatch(name);

    public static bool IsValidTag(string? tag) => tag is not null && TagPattern().IsMatch(tag);
}
