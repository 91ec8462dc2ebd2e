using System.CommandLine;

namespace Lamina.Cli;

/// <summary>
/// "Did you mean …?" for a mistyped command or option: the nearest subcommand or option name of the command
/// the parser reached, by edit distance. A typo such as <c>lamina functoins ls</c> otherwise gets three
/// errors (a missing command and two unrecognized tokens) and no way forward.
/// </summary>
internal static class TypoHint
{
    /// <summary>
    /// The first unmatched token that is close to a name of the reached command, and that name; null when
    /// nothing is close (at most a third of the token's length in edits, and at least one).
    /// </summary>
    public static (string Token, string Suggestion)? Find(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        foreach (var token in parse.UnmatchedTokens)
        {
            var candidates = token.StartsWith('-')
                ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal))
                : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
            var limit = Math.Max(1, token.TrimStart('-').Length / 3);
            var best = candidates
                .Select(c => (Name: c, Distance: Distance(token, c)))
                .Where(c => c.Distance <= limit)
                .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
                .Select(c => c.Name).FirstOrDefault();
            if (best is not null) return (token, best);
        }
        return null;
    }

    /// <summary>The command line to suggest: the words before the typo, the suggestion, the words after it.</summary>
    public static string Render(ParseResult parse, string token, string suggestion)
    {
        var words = parse.Tokens.Select(t => t.Value).ToList();
        var at = words.IndexOf(token);
        if (at >= 0) words[at] = suggestion;
        return $"unknown {(token.StartsWith('-') ? "option" : "command")} '{token}'. Did you mean `lamina {string.Join(' ', words)}`?";
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions, the commonest typo).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
