using System.Security.Cryptography;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>What the sandbox user may do to the kernel: nothing privileged.</summary>
public sealed class PrivilegeTests
{
    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Has_no_capabilities_no_new_privileges_and_a_seccomp_filter(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var output = await h.ShellAsync("grep -E '^(Cap|NoNewPrivs|Seccomp:)' /proc/self/status");
        foreach (var set in new[] { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" })
            Assert.Matches($@"{set}:\s+0000000000000000", output);
        Assert.Matches(@"NoNewPrivs:\s+1", output);
        Assert.Matches(@"Seccomp:\s+2", output);
    }

    public static TheoryData<OciRuntime, bool> FilterPaths => new()
    {
        { OciRuntime.Runc, true }, { OciRuntime.Runc, false }, { OciRuntime.Crun, true }, { OciRuntime.Crun, false },
    };

    // The default (true): the first process installs Lamina's compiled filter and the spec has none; false: the runtime
    // compiles the spec's. The same syscalls are refused the same way on both paths.
    [Theory]
    [MemberData(nameof(FilterPaths))]
    public async Task The_filter_refuses_the_same_way_whoever_installs_it(OciRuntime runtime, bool seccompInAgent)
    {
        await using var h = new SandboxHarness(runtime: runtime, seccompInAgent: seccompInAgent);
        var sandbox = await h.StartAsync(SandboxHarness.Request("/bin/probe", "seccomp"));
        var exit = await h.Manager.WaitForExitAsync(sandbox).WaitAsync(SandboxHarness.Patience);
        var output = SandboxHarness.Output(sandbox);
        var config = await File.ReadAllTextAsync(Path.Combine(h.Manager.Layout.Bundle(sandbox.Id), "config.json"));
        using var spec = System.Text.Json.JsonDocument.Parse(config);
        Assert.Equal(!seccompInAgent, spec.RootElement.GetProperty("linux").TryGetProperty("seccomp", out _));
        Assert.Equal(seccompInAgent, spec.RootElement.GetProperty("process").GetProperty("args").EnumerateArray().Any(a => a.GetString() == "--seccomp"));
        Assert.Equal(SandboxExitReason.Exited, exit.Reason);
        Assert.Contains("Seccomp: 2 NoNewPrivs: 1", output);
        Assert.Contains("mount errno=EPERM", output);
        Assert.Contains("clone3 errno=ENOSYS", output);
        Assert.Contains("unknown-syscall errno=ENOSYS", output);
        Assert.Contains("clone-newuser errno=ENOSYS", output);
        Assert.Contains("socket-netlink-audit errno=EINVAL", output);
        Assert.Contains("getppid ok", output);
        Assert.Contains("x32-getpid killed", output);
    }

    [Fact]
    public async Task A_filter_that_cannot_be_installed_stops_the_sandbox_before_the_function_runs()
    {
        await using var h = new SandboxHarness();
        var request = SandboxHarness.Request("/bin/sh", "-c", "echo function-ran");
        request = request with { InitPrefix = [SandboxHarness.LoaderPath, "--seccomp", "/nonexistent"] };
        // The loader is handed a filter path that does not exist (the runtime's filter applies meanwhile): it must stop,
        // not run the command unfiltered — the contract it shares with lamina-init (tests/Lamina.Agent.Tests).
        var (_, output) = await h.RunAsync(request with { Agent = request.Agent! with { LoadsSeccomp = false } });
        Assert.Contains("seccomp-init: open filter", output);
        Assert.DoesNotContain("function-ran", output);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Runs_as_the_non_root_sandbox_user_whatever_the_image_says(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var output = await h.ShellAsync("id -u; id -g");
        Assert.Equal(["993", "990"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public static TheoryData<OciRuntime, string, string> PrivilegedSyscalls => Runtimes.Cross(
        ("mount", "mount errno=EPERM"), ("ptrace", "ptrace errno=EPERM"), ("unshare", "unshare errno=EPERM"));

    [Theory]
    [MemberData(nameof(PrivilegedSyscalls))]
    public async Task Privileged_syscalls_are_refused(OciRuntime runtime, string probe, string expected)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var (_, output) = await h.RunAsync("/bin/probe", probe);
        Assert.Contains(expected, output);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Cannot_load_keys(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var (_, output) = await h.RunAsync("/bin/probe", "keys");
        Assert.Contains("add_key errno=EPERM", output);
        Assert.Contains("keyctl errno=EPERM", output);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Cannot_overwrite_the_runtime_or_the_agent_through_proc_exe(OciRuntime runtime)
    {
        var runtimePath = Runtimes.PathOf(runtime);
        var runtimeHash = SHA256.HashData(await File.ReadAllBytesAsync(runtimePath));
        var agentHash = SHA256.HashData(await File.ReadAllBytesAsync(TestImage.ProbeHostPath));
        await using var h = new SandboxHarness(runtime: runtime);
        var request = SandboxHarness.Request("exe", "/opt/lamina/lamina-init") with
        {
            Agent = new AgentMount(TestImage.ProbeHostPath),
            InitPrefix = ["/opt/lamina/lamina-init"],
        };
        var (_, output) = await h.RunAsync(request);
        Assert.DoesNotContain(" ok", output);
        Assert.Matches("self-exe errno=E(TXTBSY|ROFS|ACCES|PERM)", output);
        Assert.Matches("init-exe errno=E(TXTBSY|ROFS|ACCES|PERM)", output);
        Assert.Matches("/opt/lamina/lamina-init errno=E(TXTBSY|ROFS|ACCES|PERM)", output);
        Assert.Equal(runtimeHash, SHA256.HashData(await File.ReadAllBytesAsync(runtimePath)));
        Assert.Equal(agentHash, SHA256.HashData(await File.ReadAllBytesAsync(TestImage.ProbeHostPath)));
    }
}
