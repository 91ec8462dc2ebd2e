using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Lamina.Environments.Tests.Fixtures;
using Xunit.Abstractions;

namespace Lamina.Crash.Tests;

/// <summary>
/// Runs bench/crash/crash.py with a CI-sized number of trials (LAMINA_CRASH_TRIALS, default 8): a real
/// <c>lamina server</c> (auth and execution on) SIGKILLed at random points of mixed load (creates, code and
/// configuration updates, Event and sync invokes, pushes), restarted on the same data. Nothing acknowledged may
/// be lost, every acknowledged event must run, and no sandbox, runc container, mount or cgroup may survive the
/// restart. `LAMINA_CRASH_TRIALS=100` runs the full suite by hand (docs/reliability.md).
/// </summary>
public sealed class CrashTrialsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Acknowledged_work_survives_sigkill_and_restart_leaves_no_orphan()
    {
        var trials = Environment.GetEnvironmentVariable("LAMINA_CRASH_TRIALS") is { Length: > 0 } n ? n : "8";
        var work = Directory.CreateTempSubdirectory("lamina-crash-test-").FullName;
        try
        {
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Repo("bench", "crash", "crash.py"), "--trials", trials, "--max-load", "3", "--drain", "240", "--work", work })
                start.ArgumentList.Add(a);
            start.Environment["LAMINA_DLL"] = CliDll();
            start.Environment["LAMINA_INIT_BINARY"] = AgentBinary.Path;
            using var harness = Process.Start(start)!;
            var stderr = harness.StandardError.ReadToEndAsync();
            var stdoutTask = harness.StandardOutput.ReadToEndAsync();
            using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20)))
            {
                try
                {
                    await harness.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    harness.Kill(entireProcessTree: true);
                    Assert.Fail("crash.py did not finish within 20 minutes");
                }
            }
            var stdout = await stdoutTask;
            output.WriteLine(stdout);

            var resultFile = Path.Combine(work, "result.json");
            Assert.True(File.Exists(resultFile), $"crash.py wrote no result (exit {harness.ExitCode}):\n{stdout}\n{await stderr}");
            var result = JsonDocument.Parse(await File.ReadAllTextAsync(resultFile)).RootElement;
            Assert.Empty(result.GetProperty("lost").EnumerateArray().Select(e => e.GetString()));
            Assert.Empty(result.GetProperty("orphans").EnumerateArray().Select(e => e.GetString()));
            Assert.Empty(result.GetProperty("failures").EnumerateArray().Select(e => e.GetString()));
            // Something must have been acknowledged, or the trials proved nothing.
            var acked = result.GetProperty("acked");
            Assert.True(acked.GetProperty("event").GetInt32() > 0 && acked.GetProperty("create").GetInt32() > 0 && acked.GetProperty("push").GetInt32() > 0,
                $"too little was acknowledged to prove anything: {acked}");
            Assert.Equal(result.GetProperty("events").GetInt32(), result.GetProperty("events_ran").GetInt32());
            Assert.Equal(0, harness.ExitCode);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string CliDll()
    {
        var dll = typeof(CrashTrialsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "LaminaCliDll").Value!;
        Assert.True(File.Exists(dll), $"lamina.dll not found at {dll}: build tests/Lamina.Crash.Tests (it builds src/Lamina.Cli)");
        return dll;
    }

    private static string Repo(params string[] parts)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Lamina.slnx"))) d = d.Parent;
        Assert.True(d is not null, "Lamina.slnx not found above the test directory");
        return Path.Combine([d!.FullName, .. parts]);
    }
}
