namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>What an external tool printed and how it exited.</summary>
public sealed record ToolResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Throws with the whole command line and both streams when the tool failed, so a red test explains itself.</summary>
    public ToolResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new ToolFailedException(this);
        }
        return this;
    }

    public override string ToString() =>
        $"$ {CommandLine}\n(exit {ExitCode})\n--- stdout ---\n{Tail(StandardOutput)}\n--- stderr ---\n{Tail(StandardError)}";

    private static string Tail(string text) => text.Length <= 8000 ? text : "…" + text[^8000..];
}

/// <summary>An external tool exited non-zero where the test needed it to succeed.</summary>
public sealed class ToolFailedException(ToolResult result) : Exception("external tool failed:\n" + result)
{
    public ToolResult Result { get; } = result;
}
