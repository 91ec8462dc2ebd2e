using System.Text;

namespace Lamina.Build.Dockerfile;

/// <summary>
/// Docker's word processing for the instructions that expand variables (FROM, COPY, ADD, ENV, ARG, LABEL,
/// WORKDIR, USER, EXPOSE …): quotes are removed, the escape character makes the next character literal,
/// single quotes keep <c>$</c> literal, and <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-default}</c>,
/// <c>${VAR-default}</c>, <c>${VAR:+alt}</c>, <c>${VAR+alt}</c>, <c>${VAR:?message}</c> expand from the
/// variables in scope. An unset variable expands to nothing, as in Docker.
/// </summary>
public sealed class ShellWords(Func<string, string?> lookup, char escape = '\\')
{
    /// <summary>The whole text as one word (whitespace kept), for WORKDIR, USER, FROM and values.</summary>
    /// <exception cref="FormatException">Unterminated quote or brace, or a <c>:?</c> expansion of an unset variable.</exception>
    public string Word(string text) => Process(text, split: false)[0];

    /// <summary>Whitespace-separated words, quotes respected, for COPY paths, EXPOSE ports and ENV pairs.</summary>
    /// <exception cref="FormatException">As <see cref="Word"/>.</exception>
    public IReadOnlyList<string> Words(string text) => Process(text, split: true);

    private List<string> Process(string text, bool split)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (split && char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
                i++;
                continue;
            }
            inWord = true;
            if (c == escape && i + 1 < text.Length) { current.Append(text[i + 1]); i += 2; }
            else if (c == '\'')
            {
                var end = text.IndexOf('\'', i + 1);
                if (end < 0) throw new FormatException($"unterminated single quote in: {text}");
                current.Append(text, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (c == '"') i = DoubleQuoted(text, i + 1, current);
            else if (c == '$') i = Expand(text, i, current);
            else { current.Append(c); i++; }
        }
        if (inWord || !split) words.Add(current.ToString());
        return words;
    }

    private int DoubleQuoted(string text, int i, StringBuilder current)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"') return i + 1;
            if (c == escape && i + 1 < text.Length && text[i + 1] is '"' or '$' || c == escape && i + 1 < text.Length && text[i + 1] == escape)
            {
                current.Append(text[i + 1]);
                i += 2;
            }
            else if (c == '$') i = Expand(text, i, current);
            else { current.Append(c); i++; }
        }
        throw new FormatException($"unterminated double quote in: {text}");
    }

    // text[i] == '$'. Returns the index after the expansion.
    private int Expand(string text, int i, StringBuilder current)
    {
        if (i + 1 >= text.Length) { current.Append('$'); return i + 1; }
        if (text[i + 1] != '{')
        {
            var end = i + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_') && !(end == i + 1 && char.IsAsciiDigit(text[end]))) end++;
            if (end == i + 1) { current.Append('$'); return i + 1; }
            current.Append(lookup(text[(i + 1)..end]) ?? "");
            return end;
        }
        var close = MatchingBrace(text, i + 2);
        var body = text[(i + 2)..close];
        var nameEnd = 0;
        while (nameEnd < body.Length && (char.IsAsciiLetterOrDigit(body[nameEnd]) || body[nameEnd] == '_')) nameEnd++;
        var name = body[..nameEnd];
        if (name.Length == 0) throw new FormatException($"bad substitution ${{{body}}}");
        var value = lookup(name);
        var op = body[nameEnd..];
        if (op.Length == 0) { current.Append(value ?? ""); return close + 1; }
        var colon = op[0] == ':';
        if (colon) op = op[1..];
        if (op.Length == 0) throw new FormatException($"bad substitution ${{{body}}}");
        var word = op[1..];
        var missing = value is null || colon && value.Length == 0;
        switch (op[0])
        {
            case '-': current.Append(missing ? Word(word) : value); break;
            case '+': if (!missing) current.Append(Word(word)); break;
            case '?':
                if (missing) throw new FormatException($"{name}: {(word.Length > 0 ? Word(word) : "is not set")}");
                current.Append(value);
                break;
            default: throw new FormatException($"unsupported substitution ${{{body}}}: use ${{VAR}}, ${{VAR:-default}}, ${{VAR:+alt}} or ${{VAR:?message}}");
        }
        return close + 1;
    }

    private static int MatchingBrace(string text, int from)
    {
        var depth = 1;
        for (var j = from; j < text.Length; j++)
        {
            if (text[j] == '{') depth++;
            else if (text[j] == '}' && --depth == 0) return j;
        }
        throw new FormatException($"unterminated ${{ in: {text}");
    }
}
