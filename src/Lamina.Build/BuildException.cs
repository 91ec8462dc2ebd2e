namespace Lamina.Build;

/// <summary>
/// An expected build failure: bad Dockerfile input, a missing COPY source, a failing RUN, an unreachable base image.
/// The message already names the file, line and instruction where there is one; the CLI prints it as is.
/// </summary>
public sealed class BuildException(string message) : Exception(message)
{
    /// <summary>A failure at one Dockerfile line: "Dockerfile:7: COPY: message".</summary>
    public static BuildException At(string file, int line, string instruction, string message) =>
        new($"{file}:{line}: {instruction}: {message}");

    /// <summary>A failure of one parsed instruction.</summary>
    public static BuildException At(Dockerfile.Instruction instruction, string message) =>
        At(instruction.File, instruction.Line, instruction.Keyword, message);
}
