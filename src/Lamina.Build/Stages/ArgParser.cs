using Lamina.Build.Dockerfile;

namespace Lamina.Build.Stages;

/// <summary>Parses <c>ARG name[=default] …</c>; the default is expanded with the variables in scope.</summary>
internal static class ArgParser
{
    public static List<(string Name, string? Default)> Parse(Instruction ins, ShellWords words)
    {
        var result = new List<(string, string?)>();
        IReadOnlyList<string> parts;
        try { parts = words.Words(ins.Arguments); }
        catch (FormatException e) { throw BuildException.At(ins, e.Message); }
        foreach (var part in parts)
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            if (!IsName(name)) throw BuildException.At(ins, $"invalid argument name '{name}'");
            result.Add((name, eq < 0 ? null : part[(eq + 1)..]));
        }
        return result;
    }

    /// <summary>A variable name: letters, digits and '_', not starting with a digit.</summary>
    public static bool IsName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
