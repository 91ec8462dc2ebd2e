using System.Diagnostics;

namespace Lamina.Cli.Tests;

/// <summary>Runs the built <c>lamina.dll</c> as a separate process, as a user would, with a clean environment.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    /// <summary>
    /// src/Lamina.Cli/bin/CONFIG/TFM/lamina.dll, found from this test assembly's bin/CONFIG/TFM directory
    /// (the ProjectReference with ReferenceOutputAssembly=false builds it first).
    /// </summary>
    public static string LaminaDll { get; } = FindLaminaDll();

    private static string FindLaminaDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Lamina.Cli", "bin", configuration, tfm, "lamina.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException($"lamina.dll ({configuration}/{tfm}) not found above {here.FullName}; build src/Lamina.Cli first.");
    }

    public static async Task<Result> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null, string? stdin = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        start.ArgumentList.Add(LaminaDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        // The host's own AWS/Lamina settings must not leak into what the CLI resolves.
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LAMINA_ENDPOINT", "XDG_DATA_HOME" })
            start.Environment.Remove(name);
        start.Environment["XDG_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "lamina-cli-no-data-" + Environment.ProcessId);
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) start.Environment[k] = v;
        return await RunAsync(start, stdin, $"lamina {string.Join(' ', args)}");
    }

    /// <summary>Starts <paramref name="start"/> (every stream redirected), feeds <paramref name="stdin"/>, waits at most 5 minutes.</summary>
    public static async Task<Result> RunAsync(ProcessStartInfo start, string? stdin, string what)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} did not finish within 5 minutes");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
