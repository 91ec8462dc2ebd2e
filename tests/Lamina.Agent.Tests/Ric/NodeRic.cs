using System.Diagnostics;

namespace Lamina.Agent.Tests.Ric;

/// <summary>
/// The real npm package aws-lambda-ric, installed once into tests/Lamina.Agent.Tests/fixtures/node
/// (node_modules is git-ignored and reused by later runs). Its native part builds with cmake, g++,
/// autoconf, automake and libtool, which test.sh installs; the first install takes a few minutes.
/// </summary>
internal static class NodeRic
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>
    /// How long the first install may take. It compiles curl and aws-lambda-cpp from source while the rest of the
    /// suite runs beside it: 20 minutes ran out on a 2-core machine at load average 40-60 (session 7).
    /// </summary>
    private static readonly TimeSpan InstallDeadline = TimeSpan.FromMinutes(45);

    /// <summary>The fixture directory, with aws-lambda-ric built in it.</summary>
    public static Task<string> DirectoryAsync() => Installed.Value;

    /// <summary>Starts lamina-init with aws-lambda-ric running <paramref name="handler"/> from the fixture's app.js.</summary>
    public static async Task<AgentProcess> StartAgentAsync(IDictionary<string, string>? env = null, string handler = "app.handler")
    {
        var dir = await DirectoryAsync();
        var all = new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { ["LAMBDA_TASK_ROOT"] = dir };
        return await AgentProcess.StartAsync([Tools.Node(), Path.Combine(dir, "node_modules", "aws-lambda-ric", "bin", "index.mjs"), handler], all, dir);
    }

    private static async Task<string> InstallAsync()
    {
        var dir = FixtureDirectory();
        if (File.Exists(Path.Combine(dir, "node_modules", "aws-lambda-ric", "dist", "rapid-client.node")))
        {
            return dir;
        }
        var npm = Tools.Find("npm", "/usr/bin/npm") ?? throw new InvalidOperationException("npm is required to install aws-lambda-ric for the agent tests");
        // An install cut short leaves the package without its native module, and npm would then take it as installed
        // and skip the build scripts: start it over.
        var partial = Path.Combine(dir, "node_modules", "aws-lambda-ric");
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }
        var info = new ProcessStartInfo(npm) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "install", "--no-audit", "--no-fund" })
        {
            info.ArgumentList.Add(arg);
        }
        // Every core for the native build (make for curl and aws-lambda-cpp, node-gyp for the addon).
        var cores = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["MAKEFLAGS"] = "-j" + cores;
        info.Environment["JOBS"] = cores;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(InstallDeadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Not left building in the background (it would write node_modules while a later run reads it).
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"npm install of aws-lambda-ric did not finish within {InstallDeadline.TotalMinutes:0} minutes and was killed; load average {File.ReadAllText("/proc/loadavg").Trim()}:\n{Tail(await stdout)}\n{Tail(await stderr)}");
        }
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(dir, "node_modules", "aws-lambda-ric", "dist", "rapid-client.node")))
        {
            throw new InvalidOperationException(
                $"npm install of aws-lambda-ric failed (exit {process.ExitCode}); it needs cmake, g++, make, autoconf, automake, libtool and python3:\n{await stdout}\n{await stderr}");
        }
        return dir;
    }

    private static string Tail(string text) => text.Length > 4000 ? "…" + text[^4000..] : text;

    private static string FixtureDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Lamina.Agent.Tests", "fixtures", "node");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("cannot find tests/Lamina.Agent.Tests/fixtures/node above " + AppContext.BaseDirectory);
    }
}
