using System.Diagnostics;
using System.Text;

namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs real client tools (skopeo, umoci, aws, docker, dotnet) with captured output, an isolated
/// environment and a generous timeout. A tool that is not installed fails with a message naming
/// the Debian package, because test.sh installs them.
/// </summary>
public static class ToolRunner
{
    /// <summary>Generous: the machine has 2 cores shared with other work.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static async Task<ToolResult> RunAsync(
        string tool,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null)
    {
        var path = ToolPaths.Require(tool);
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null) start.Environment.Remove(key);
                else start.Environment[key] = value;
            }
        }
        var commandLine = path + " " + string.Join(' ', start.ArgumentList.Select(Quote));

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + commandLine);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput);
        process.StandardInput.Close();

        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"timed out after {timeout ?? DefaultTimeout}: {commandLine}\n{await stdout}\n{await stderr}");
        }
        return new ToolResult(commandLine, process.ExitCode, await stdout, await stderr);
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+%".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
