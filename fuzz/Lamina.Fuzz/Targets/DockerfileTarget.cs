using System.Text;
using System.Text.RegularExpressions;
using Lamina.Build;
using Lamina.Build.Dockerfile;
using Lamina.Build.Stages;

namespace Lamina.Fuzz.Targets;

/// <summary>
/// <c>lamina build</c>'s front end: <see cref="DockerfileParser.Parse"/>, then the stage plan (ARG before FROM,
/// FROM expansion, stage names and references), then Docker's variable substitution over every instruction's
/// arguments. Expected failures: <see cref="BuildException"/> whose message names the file and line (or the file
/// alone for whole-file errors) and, from <see cref="ShellWords"/>, its documented <see cref="FormatException"/>.
/// </summary>
internal sealed partial class DockerfileTarget : IFuzzTarget
{
    public string Name => "dockerfile";

    public string Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        ParsedDockerfile parsed;
        try
        {
            parsed = DockerfileParser.Parse(text);
            var lines = text.Split('\n').Length;
            if (parsed.Instructions.FirstOrDefault(i => i.Line < 1 || i.Line > lines) is { } outside)
            {
                throw new FuzzFinding($"instruction {outside.Keyword} at line {outside.Line} of a {lines}-line file");
            }
            _ = BuildPlan.Create(parsed, new BuildRequest("/nonexistent", "Dockerfile"));
        }
        catch (BuildException e)
        {
            return Named().IsMatch(e.Message) ? $"refused: {e.Message}" : throw new FuzzFinding($"a refusal that names no file: {e.Message}");
        }
        var words = new ShellWords(name => name == "SET" ? "value with spaces" : null, parsed.EscapeCharacter);
        var expanded = 0;
        foreach (var instruction in parsed.Instructions)
        {
            try
            {
                expanded += words.Words(instruction.Arguments).Count;
                _ = words.Word(instruction.Arguments);
            }
            catch (FormatException)
            {
                // Documented: unterminated quote or brace, ${X:?message} of an unset variable.
            }
        }
        return $"accepted {parsed.Instructions.Count} instruction(s), {expanded} word(s)";
    }

    [GeneratedRegex(@"^Dockerfile(:\d+)?: ")]
    private static partial Regex Named();
}
