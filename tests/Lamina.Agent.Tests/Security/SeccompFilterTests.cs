namespace Lamina.Agent.Tests.Security;

/// <summary>
/// <c>lamina-init --seccomp FILE</c>: the filter on every thread of the agent and in the processes it starts, and no
/// agent at all when the filter cannot be installed (fail closed). The filter's content is the sandbox's business
/// (tests/Lamina.Sandbox.Tests/Seccomp); here a one-instruction program.
/// </summary>
public sealed class SeccompFilterTests : IDisposable
{
    private static readonly string[] Listen = ["--runtime-api-address", "127.0.0.1:0", "--runtime-interface-emulator-address", "127.0.0.1:0"];
    private readonly string _directory = Directory.CreateTempSubdirectory("lamina-seccomp-").FullName;

    private static string[] Runtime => [Tools.Python(), Path.Combine(AppContext.BaseDirectory, "fixtures", "runtime.py")];

    // ret SECCOMP_RET_ALLOW: BPF_RET|BPF_K (0x0006), jt 0, jf 0, k 0x7fff0000.
    private static readonly byte[] AllowAll = [0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x7F];

    [Fact]
    public async Task Every_thread_and_the_runtime_run_under_the_filter()
    {
        var filter = Path.Combine(_directory, "allow.bpf");
        await File.WriteAllBytesAsync(filter, AllowAll);
        await using var agent = await AgentProcess.StartAsync(Runtime, flags: ["--seccomp", filter, .. Listen]);
        var pid = agent.Process.Id;
        // An invoke starts the runtime (and shows the filter lets the agent work); it stays, waiting in /next.
        using (var answer = await agent.InvokeAsync("{}")) Assert.True(answer.IsSuccessStatusCode);
        Assert.True(Directory.GetDirectories($"/proc/{pid}/task").Length > 1, "NativeAOT and the dotnet host both run several threads");
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            Assert.Matches(@"Seccomp:\s+2", await File.ReadAllTextAsync(Path.Combine(task, "status")));
        var children = Directory.GetDirectories($"/proc/{pid}/task")
            .SelectMany(t => File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.NotEmpty(children);
        foreach (var child in children)
            Assert.Matches(@"Seccomp:\s+2", await File.ReadAllTextAsync($"/proc/{child}/status"));
    }

    [Theory]
    [InlineData("missing", "cannot read the seccomp filter")]
    [InlineData("not-bpf", "is not a BPF program")]
    [InlineData("refused", "seccomp(SECCOMP_SET_MODE_FILTER) failed: errno 22")]
    [InlineData("no-path", "--seccomp needs a path")]
    public async Task A_filter_that_cannot_be_installed_stops_the_agent_before_anything_else(string kind, string message)
    {
        var filter = Path.Combine(_directory, kind);
        if (kind == "not-bpf") await File.WriteAllBytesAsync(filter, [1, 2, 3]);
        // The kernel's checker refuses an unknown opcode.
        if (kind == "refused") await File.WriteAllBytesAsync(filter, [0xFF, 0xFF, 0, 0, 0, 0, 0, 0]);
        string[] flags = kind == "no-path" ? ["--seccomp"] : ["--seccomp", filter, .. Listen];
        await using var agent = await AgentProcess.StartAsync(kind == "no-path" ? [] : Runtime, flags: flags, waitForListening: false);
        Assert.Equal(3, await agent.WaitForExitAsync());
        Assert.Contains(agent.Stderr, line => line.Contains(message, StringComparison.Ordinal));
        Assert.DoesNotContain(agent.Stderr, line => line.Contains("listening", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
