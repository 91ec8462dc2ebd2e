using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lamina.Build.Dockerfile;

/// <summary>
/// Turns Dockerfile text into instructions, following Docker's reference: parser directives at the very top
/// (<c># syntax=</c>, <c># escape=</c>), comment and empty lines dropped (also inside continuations), lines
/// ending with the escape character joined, leading <c>--flag=value</c> words split off, exec (JSON) form
/// recognised. Every error names the file, the line and the instruction.
/// </summary>
public static partial class DockerfileParser
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
        "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    };

    private static readonly HashSet<string> JsonCapable = new(StringComparer.Ordinal)
        { "RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "SHELL", "VOLUME" };

    // Flags each instruction accepts; anything else is refused rather than silently ignored.
    private static readonly Dictionary<string, string[]> AllowedFlags = new(StringComparer.Ordinal)
    {
        ["FROM"] = ["platform"],
        ["COPY"] = ["from", "chown", "chmod", "link"],
        ["ADD"] = ["chown", "chmod", "link"],
    };

    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> only names the source in messages.</summary>
    /// <exception cref="BuildException">Malformed or unsupported input, naming file, line and instruction.</exception>
    public static ParsedDockerfile Parse(string text, string file = "Dockerfile")
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var escape = '\\';
        var warnings = new List<string>();
        var i = 0;
        // Directives: only before anything else, a blank line or a comment ends them (Docker's rule).
        for (; i < lines.Length; i++)
        {
            var m = DirectiveRegex().Match(lines[i]);
            if (!m.Success) break;
            var key = m.Groups[1].Value.ToLowerInvariant();
            var value = m.Groups[2].Value;
            if (key == "escape")
            {
                if (value is not ("\\" or "`"))
                    throw BuildException.At(file, i + 1, "escape", $"invalid escape character '{value}': use \\ or `");
                escape = value[0];
            }
            else if (key == "syntax" && !value.Contains("dockerfile", StringComparison.OrdinalIgnoreCase))
                warnings.Add($"{file}:{i + 1}: syntax={value} is ignored: lamina build has its own Dockerfile frontend");
        }

        var instructions = new List<Instruction>();
        var logical = new StringBuilder();
        var start = 0;
        for (; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#') continue; // comments and blank lines, also inside continuations
            if (logical.Length == 0) start = i + 1;
            var content = line.TrimEnd();
            if (content.EndsWith(escape))
            {
                logical.Append(content.AsSpan(0, content.Length - 1));
                if (i == lines.Length - 1) instructions.Add(ParseInstruction(file, start, logical.ToString()));
                continue;
            }
            logical.Append(content);
            instructions.Add(ParseInstruction(file, start, logical.ToString()));
            logical.Clear();
        }
        return new ParsedDockerfile(escape, instructions, warnings);
    }

    private static Instruction ParseInstruction(string file, int line, string text)
    {
        text = text.TrimStart();
        var space = text.IndexOfAny([' ', '\t']);
        var word = space < 0 ? text : text[..space];
        var keyword = word.ToUpperInvariant();
        var rest = space < 0 ? "" : text[(space + 1)..].Trim();
        if (!Known.Contains(keyword))
            throw BuildException.At(file, line, word, $"unknown instruction '{word}'");

        var flags = new List<KeyValuePair<string, string>>();
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            var end = rest.IndexOfAny([' ', '\t']);
            var flag = end < 0 ? rest[2..] : rest[2..end];
            rest = end < 0 ? "" : rest[(end + 1)..].TrimStart();
            var eq = flag.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = eq < 0 ? (flag, "true") : (flag[..eq], flag[(eq + 1)..]);
            if (!AllowedFlags.TryGetValue(keyword, out var allowed) || !allowed.Contains(name))
                throw BuildException.At(file, line, keyword, $"flag --{name} is not supported");
            flags.Add(new(name, value));
        }

        IReadOnlyList<string>? json = null;
        // Docker falls back to the shell form when the JSON does not parse, which turns a typo into a confusing
        // runtime failure; text that clearly meant JSON (its first element a quoted string) is refused instead.
        // A shell test such as `RUN [ "$X" = y ]` does not look like that and stays shell form.
        if (JsonCapable.Contains(keyword) && (JsonLikeRegex().IsMatch(rest) || ParseJsonArray(rest) is not null))
        {
            json = ParseJsonArray(rest) ?? throw BuildException.At(file, line, keyword,
                $"malformed JSON form {rest}: the exec form must be a JSON array of double-quoted strings, e.g. [\"executable\", \"arg\"]");
        }
        else if (keyword is "RUN" or "COPY" or "ADD" && HeredocRegex().IsMatch(rest))
        {
            throw BuildException.At(file, line, keyword,
                "heredocs (<<EOF) are not supported: put the content in a file in the build context and COPY it");
        }
        if (rest.Length == 0 && keyword is not ("CMD" or "ENTRYPOINT"))
            throw BuildException.At(file, line, keyword, "needs at least one argument");
        return new Instruction(file, line, keyword, flags, rest, json);
    }

    private static List<string>? ParseJsonArray(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return null;
            var list = new List<string>();
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.String) return null;
                list.Add(e.GetString()!);
            }
            return list;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")]
    private static partial Regex DirectiveRegex();

    [GeneratedRegex(@"^\[\s*(\]|""([^""\\]|\\.)*""\s*[,\]""])")]
    private static partial Regex JsonLikeRegex();

    [GeneratedRegex(@"(?<!<)<<(?!<)-?\s*[""']?[A-Za-z_][A-Za-z0-9_]*[""']?")]
    private static partial Regex HeredocRegex();
}
