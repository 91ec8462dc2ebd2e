using Lamina.Agent.Emulator;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>--log-level filters the agent's own diagnostics, never the function's log or REPORT.</summary>
public sealed class LogLevelTests
{
    private static string[] Flags(string level) =>
        ["--runtime-api-address", "127.0.0.1:0", "--runtime-interface-emulator-address", "127.0.0.1:0", "--log-level", level];

    private static Task<AgentProcess> StartAsync(string level, Dictionary<string, string>? env = null) => AgentProcess.StartAsync(
        [Tools.Python(), Path.Combine(AppContext.BaseDirectory, "fixtures", "runtime.py")], env, flags: Flags(level));

    [Fact]
    public async Task Debug_shows_runtime_start_and_delivery_and_info_hides_them()
    {
        await using var debug = await StartAsync("DEBUG");
        await using var info = await StartAsync("info");

        using var debugAnswer = await debug.InvokeAsync("""{"d":1}""");
        using var infoAnswer = await info.InvokeAsync("""{"i":1}""");
        var id = debugAnswer.Headers.GetValues("X-Amzn-RequestId").Single();
        var infoId = infoAnswer.Headers.GetValues("X-Amzn-RequestId").Single();
        await debug.WaitForStdoutAsync(l => l.StartsWith($"REPORT RequestId: {id}", StringComparison.Ordinal));
        await info.WaitForStdoutAsync(l => l.StartsWith($"REPORT RequestId: {infoId}", StringComparison.Ordinal));

        Assert.Equal("""{"d":1}""", await debugAnswer.Content.ReadAsStringAsync());
        // Written from the thread pool (never on the epoll thread): polled, not read once.
        Assert.NotNull(await debug.WaitForStderrAsync(l => l.StartsWith("lamina-init: [debug] runtime started: pid ", StringComparison.Ordinal)));
        Assert.NotNull(await debug.WaitForStderrAsync(l => l.StartsWith($"lamina-init: [debug] invoke {id} delivered", StringComparison.Ordinal)));
        Assert.DoesNotContain(info.Stderr, l => l.Contains("[debug]", StringComparison.Ordinal));
        Assert.Contains(info.Stderr, l => l.StartsWith("lamina-init: listening ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_level_flag_is_refused_at_start()
    {
        await using var agent = await AgentProcess.StartAsync(["true"], flags: Flags("chatty"), waitForListening: false);

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains(agent.Stderr, l => l.Contains("invalid --log-level 'chatty'", StringComparison.Ordinal));
    }

    [Fact]
    public void LOG_LEVEL_from_the_environment_is_used_when_known_and_ignored_when_it_is_the_functions_own_vocabulary()
    {
        var known = EmulatorOptions.Parse(["x"], n => n == "LOG_LEVEL" ? "warn" : null, _ => false, out var knownError);
        var foreign = EmulatorOptions.Parse(["x"], n => n == "LOG_LEVEL" ? "verbose" : null, _ => false, out var foreignError);

        Assert.Null(knownError);
        Assert.Equal("warn", known.LogLevel);
        Assert.Null(foreignError);
        Assert.Equal("info", foreign.LogLevel);
        Assert.Equal(AgentLog.Error, AgentLog.Parse("Fatal"));
        Assert.Null(AgentLog.Parse("verbose"));
    }
}
