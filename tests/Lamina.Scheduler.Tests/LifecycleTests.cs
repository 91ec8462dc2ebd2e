using Microsoft.Extensions.DependencyInjection;
using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>Environments end cleanly: reaped when idle, destroyed when the server is disposed, nothing left on the host.</summary>
public sealed class LifecycleTests(ShortIdleServer server) : IClassFixture<ShortIdleServer>
{
    private static readonly TimeSpan LongIdle = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Idle_environments_are_reaped_and_leave_no_sandbox_cgroup_or_mount()
    {
        await server.CreateFunctionAsync("echo-idle");
        Assert.Equal(1, (await server.InvokeAsync("echo-idle", "{}")).Json.GetProperty("count").GetInt32());
        Assert.Single(server.Telemetry.StreamsOf("echo-idle"));
        // The cold start left a spare sandbox for the next one (or the reaper already took it: no sandbox of it remains).
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.SpareCount == 1 || server.Scheduler.LiveEnvironments == 0);

        // Idle timeout 2 s: the reaper destroys it and the spare (polled; no timing asserted).
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.LiveEnvironments == 0 && server.Scheduler.SpareCount == 0);
        await InvokeTests.WaitUntilAsync(() => Leftovers.Find(server.DataDir, server.CgroupParent).Count == 0);
        Assert.Empty(Leftovers.Find(server.DataDir, server.CgroupParent));

        // The next invoke is a cold start again, and works.
        Assert.Equal(1, (await server.InvokeAsync("echo-idle", "{}")).Json.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Disposing_the_server_destroys_every_environment_and_a_restart_pulls_the_image_again()
    {
        var dataDir = Path.Combine(server.LayoutDir, "..", "dispose-" + Guid.NewGuid().ToString("N")[..8]);
        var cgroup = "lamina-schedtest-" + Guid.NewGuid().ToString("N")[..10];
        var telemetry = new RecordingTelemetry();
        try
        {
            await DisposeAndRestartAsync(dataDir, cgroup, telemetry);
        }
        finally
        {
            // Whatever a failure left (a passing run leaves nothing: asserted above).
            await Leftovers.CleanAsync(dataDir, cgroup);
        }
    }

    private async Task DisposeAndRestartAsync(string dataDir, string cgroup, RecordingTelemetry telemetry)
    {
        // The default idle timeout, not the fixture's 2 s: with 2 s the reaper could take the spare and the environment
        // between the wait below and the checks after it on a loaded machine, and disposing would have nothing to destroy.
        var host = await server.StartHostAsync(dataDir, cgroup, telemetry, LongIdle);
        try
        {
            server.Push(host, "v1");
            await server.CreateFunctionAsync("echo-dispose", host: host);
            Assert.Equal(1, (await server.InvokeAsync("echo-dispose", "{}", host: host)).Json.GetProperty("count").GetInt32());
            // A spare exists too: stopping must destroy it as well.
            var scheduler = host.Services.GetRequiredService<Scheduler>();
            await InvokeTests.WaitUntilAsync(() => scheduler.SpareSandboxIds("echo-dispose").Count == 1);
            Assert.NotEmpty(Leftovers.Find(dataDir, cgroup));
        }
        finally
        {
            await host.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        Assert.Empty(Leftovers.Find(dataDir, cgroup));

        // A restart on the same data directory: the image cache is empty, the first invoke pulls and runs.
        var restarted = await server.StartHostAsync(dataDir, cgroup, telemetry, LongIdle);
        try
        {
            Assert.Equal(1, (await server.InvokeAsync("echo-dispose", "{}", host: restarted)).Json.GetProperty("count").GetInt32());
        }
        finally
        {
            await restarted.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        Assert.Empty(Leftovers.Find(dataDir, cgroup));
    }
}
