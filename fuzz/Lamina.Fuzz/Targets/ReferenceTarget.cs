using System.Text;
using Lamina.Oci;

namespace Lamina.Fuzz.Targets;

/// <summary>
/// The name grammars that reach file paths and URLs: each line of the input goes through
/// <see cref="Digest.TryParse"/>, <see cref="RepositoryName.IsValid"/> / <see cref="RepositoryName.IsValidTag"/> and
/// <see cref="ImageReference.TryParse"/>. Expected failure: false (with a message for references). Invariants: a
/// digest prints back the same in lower-case hex; a valid repository name stays inside a directory; a reference
/// has a valid repository and re-parses to an equal value.
/// </summary>
internal sealed class ReferenceTarget : IFuzzTarget
{
    private const string Root = "/lamina-fuzz-root";

    public string Name => "reference";

    public string Run(byte[] input)
    {
        int digests = 0, names = 0, references = 0;
        foreach (var line in Encoding.UTF8.GetString(input).Split('\n'))
        {
            if (Digest.TryParse(line, out var digest))
            {
                digests++;
                Check(digest.ToString() == line && digest.Encoded.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'), $"digest '{line}' prints as '{digest}'");
            }
            if (RepositoryName.IsValid(line))
            {
                names++;
                var full = Path.GetFullPath(Path.Combine(Root, line));
                Check(full.StartsWith(Root + "/", StringComparison.Ordinal) && !line.Split('/').Contains(".."), $"repository name '{line}' leaves its directory: {full}");
            }
            _ = RepositoryName.IsValidTag(line);
            if (ImageReference.TryParse(line, out var reference, out var error))
            {
                references++;
                Check(RepositoryName.IsValid(reference.Repository), $"'{line}' parsed to repository '{reference.Repository}'");
                Check(ImageReference.TryParse(reference.ToString(), out var again, out _) && again == reference, $"'{reference}' (from '{line}') does not re-parse the same");
            }
            else
            {
                Check(!string.IsNullOrEmpty(error), $"reference '{line}' refused without a message");
            }
        }
        return $"accepted {digests} digest(s), {names} name(s), {references} reference(s)";
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzFinding(message);
        }
    }
}
