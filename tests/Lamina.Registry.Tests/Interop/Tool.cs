using System.Diagnostics;

namespace Lamina.Registry.Tests.Interop;

/// <summary>Runs a real command-line client and returns its exit code and output; fails clearly when the tool is missing.</summary>
internal static class Tool
{
    public static Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args) => RunAsync(file, null, null, args);

    /// <summary>Runs <paramref name="file"/> in <paramref name="workingDirectory"/> with extra <paramref name="environment"/> variables.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string? workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        var path = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, file)).FirstOrDefault(File.Exists);
        Assert.True(path is not null, $"{file} is not installed; ./test.sh installs it (scripts/ensure-packages.sh {file})");
        var psi = new ProcessStartInfo(path!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
