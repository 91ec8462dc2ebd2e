using System.Diagnostics;
using Lamina.Hostile.Tests.Fixtures;
using Xunit.Abstractions;

namespace Lamina.Hostile.Tests;

/// <summary>
/// Denial of service from inside a function, through the real API: the disk, the process table, memory and
/// the CPU. Each attack is contained to its own environment, and the platform keeps serving afterwards.
/// </summary>
[Collection(HostileCollection.Name)]
public sealed class ResourceTests(HostileServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Filling_tmp_stops_at_EphemeralStorage_and_writes_nothing_to_the_host_disk()
    {
        await server.EnsureFunctionAsync("filler", memoryMb: 1024, ephemeralMb: 512);
        var before = DirectorySize(server.DataDir);
        var answer = await server.InvokeAsync("filler", "fill /tmp/big 2048");
        output.WriteLine(answer.ToString());
        var tmp = answer.Of("/tmp/big");
        var bytes = long.Parse(tmp.Split(' ')[1]["bytes=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.EndsWith("errno=ENOSPC", tmp, StringComparison.Ordinal);
        Assert.InRange(bytes, 500L << 20, 512L << 20);
        // The control directory (/run/lamina, the only host directory bound in) is a small tmpfs too.
        var run = (await server.InvokeAsync("filler", "fill /run/lamina/big 2048")).Of("/run/lamina/big");
        Assert.Contains("pong", (await server.InvokeAsync("filler", "ping")).Body, StringComparison.Ordinal); // the agent still answers
        output.WriteLine(run);
        Assert.EndsWith("errno=ENOSPC", run, StringComparison.Ordinal);
        var grown = DirectorySize(server.DataDir) - before;
        output.WriteLine($"data directory grew by {grown} bytes");
        Assert.True(grown < 64L << 20, $"the data directory grew by {grown} bytes");
        Assert.Contains("pong", (await server.InvokeAsync("filler", "ping")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fork_bomb_is_contained_and_the_next_invoke_works()
    {
        await server.EnsureFunctionAsync("bomber", timeoutSeconds: 3);
        Assert.Contains("pong", (await server.InvokeAsync("bomber", "ping")).Body, StringComparison.Ordinal);
        var bombed = Assert.Single(server.SandboxesOf("bomber"));
        var answer = await server.InvokeAsync("bomber", "forkbomb");
        output.WriteLine(answer.ToString());
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal("Unhandled", answer.FunctionError);
        Assert.Equal("Sandbox.Timedout", answer.Json.GetProperty("errorType").GetString());
        var hits = server.Scheduler.Manager.PidsLimitHits(bombed);
        output.WriteLine($"forks refused by the pids limit: {hits}");
        Assert.True(hits > 0, "the fork bomb never reached the pids limit");
        // The bombed environment is replaced: its sandbox (and every process in it) goes away.
        await bombed.Exited.WaitAsync(TimeSpan.FromMinutes(1));
        var cgroup = $"/sys/fs/cgroup/pids/{server.CgroupParent}/{bombed.Id}";
        for (var i = 0; i < 600 && Directory.Exists(cgroup); i++) await Task.Delay(100);
        Assert.False(Directory.Exists(cgroup), $"{cgroup} is still there");
        // The server itself can still start processes and serve; the function answers again.
        Assert.Contains("pong", (await server.InvokeAsync("bomber", "ping")).Body, StringComparison.Ordinal);
        using var host = Process.Start(new ProcessStartInfo("/bin/true"))!;
        await host.WaitForExitAsync();
        Assert.Equal(0, host.ExitCode);
    }

    [Fact]
    public async Task A_memory_hog_is_reported_as_Runtime_OutOfMemory_and_the_next_invoke_works()
    {
        await server.EnsureFunctionAsync("hog", memoryMb: 128, timeoutSeconds: 30);
        var answer = await server.InvokeAsync("hog", "memhog");
        output.WriteLine(answer.ToString());
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal("Unhandled", answer.FunctionError);
        Assert.Equal("Runtime.OutOfMemory", answer.Json.GetProperty("errorType").GetString());
        Assert.Contains("pong", (await server.InvokeAsync("hog", "ping")).Body, StringComparison.Ordinal);
    }

    private static long DirectorySize(string dir) =>
        new DirectoryInfo(dir).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 })
            .Sum(f => { try { return f.Length; } catch (IOException) { return 0L; } });
}
