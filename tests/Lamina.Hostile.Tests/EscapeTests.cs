using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Hostile.Tests.Fixtures;
using Xunit.Abstractions;

namespace Lamina.Hostile.Tests;

/// <summary>
/// A function whose code tries to get out, deployed and invoked through the real Lambda API: every attempt
/// is answered by the kernel with a refusal, which the function reports back. The per-sandbox proofs live in
/// tests/Lamina.Sandbox.Tests; these prove the same through the platform (scheduler, environments, agent).
/// </summary>
[Collection(HostileCollection.Name)]
public sealed class EscapeTests(HostileServer server, ITestOutputHelper output)
{
    private const string Fn = "hostile";

    private async Task<Answer> AttackAsync(string attack)
    {
        await server.EnsureFunctionAsync(Fn);
        var answer = await server.InvokeAsync(Fn, attack);
        output.WriteLine($"{attack} -> {answer}");
        Assert.True(answer.StatusCode == 200 && answer.FunctionError is null, $"{attack}: {answer}");
        return answer;
    }

    private static void Refused(Answer answer, params string[] allowed)
    {
        foreach (var r in answer.Results)
            Assert.True(!r.EndsWith(" ok", StringComparison.Ordinal) && !r.Contains(" read=", StringComparison.Ordinal)
                || allowed.Any(a => r.StartsWith(a + " ", StringComparison.Ordinal)), $"not refused: {r} (all: {answer.Body})");
    }

    [Fact]
    public async Task Host_files_and_the_data_directory_are_not_visible()
    {
        // World-readable on purpose: only the mount namespace stands between the function and this file.
        var secret = Path.Combine(server.Scratch, "secret.txt");
        File.WriteAllText(secret, "host secret");
        File.SetUnixFileMode(server.Scratch, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(secret, (UnixFileMode)0b110_100_100);
        var db = Path.Combine(server.DataDir, "control.db");
        Assert.True(File.Exists(db), "the data directory has control.db");

        var answer = await AttackAsync($"read /etc/passwd /etc/shadow {secret} {db} /proc/1/root/etc/shadow");
        Assert.StartsWith("/etc/passwd read=", answer.Of("/etc/passwd"), StringComparison.Ordinal); // the image's own file: reading works
        Assert.Equal("/etc/shadow errno=ENOENT", answer.Of("/etc/shadow"));
        Assert.Equal($"{secret} errno=ENOENT", answer.Of(secret));
        Assert.Equal($"{db} errno=ENOENT", answer.Of(db));
        var listing = await AttackAsync($"ls {server.DataDir} {Path.GetDirectoryName(server.DataDir)} /");
        Assert.Equal($"{server.DataDir} errno=ENOENT", listing.Of(server.DataDir));
    }

    [Fact]
    public async Task Another_functions_tmp_and_control_socket_are_out_of_reach()
    {
        await server.EnsureFunctionAsync("neighbour");
        Assert.Contains("pong", (await server.InvokeAsync("neighbour", "ping")).Body, StringComparison.Ordinal);
        var neighbour = Assert.Single(server.SandboxesOf("neighbour"));
        // The host writes into the neighbour's /tmp through its root; the hostile function looks for it.
        File.WriteAllText($"/proc/{neighbour.Pid}/root/tmp/neighbour-secret", "neighbour data");
        var socket = Path.Combine(neighbour.ControlDirectory, "control.sock");
        Assert.True(File.Exists(socket), $"the neighbour's control socket is at {socket}");

        var answer = await AttackAsync($"read /tmp/neighbour-secret {neighbour.ControlDirectory}/control.sock");
        Assert.Equal("/tmp/neighbour-secret errno=ENOENT", answer.Of("/tmp/neighbour-secret"));
        var scan = await AttackAsync("scan neighbour-secret");
        Assert.Matches(@"^scan pids=\d+ found=0$", scan.Results.Single());
        var unix = await AttackAsync($"unix {socket}");
        Assert.Equal($"unix:{socket} errno=ENOENT", unix.Of($"unix:{socket}"));
    }

    [Fact]
    public async Task The_function_can_neither_drive_nor_replace_its_own_agents_control_socket()
    {
        const string socket = "/run/lamina/control.sock";
        var control = await AttackAsync($"control {socket}");
        var tamper = await AttackAsync("tamper /run/lamina");
        var sandboxes = server.SandboxesOf(Fn);
        Assert.NotEmpty(sandboxes);

        // The directory is root's and 0700 once the agent listens: no connect, no rename, no new file.
        Assert.Equal($"control:{socket} errno=EACCES", control.Of($"control:{socket}"));
        Refused(tamper);
        Assert.Equal(4, tamper.Results.Count);
        foreach (var sandbox in sandboxes)
        {
            Assert.True(File.Exists(Path.Combine(sandbox.ControlDirectory, "control.sock")), $"the agent's socket is still in {sandbox.ControlDirectory}");
            Assert.False(File.Exists(Path.Combine(sandbox.ControlDirectory, "planted")));
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(sandbox.ControlDirectory));
        }
        // The agent was not shut down: its environment keeps answering.
        Assert.Contains("pong", (await server.InvokeAsync(Fn, "ping")).Body, StringComparison.Ordinal);
        Assert.All(sandboxes, s => Assert.False(s.Exited.IsCompleted, $"sandbox {s.Id} exited"));
    }

    [Fact]
    public async Task Host_services_on_loopback_are_unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var listenerPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverPort = server.Host.BaseAddress.Port;
        // 9001 is the agent's Runtime API inside the sandbox: connecting works, it is the sandbox's own loopback.
        var answer = await AttackAsync($"tcp 9001 {serverPort} {listenerPort}");
        Assert.Equal("tcp:9001 ok", answer.Of("tcp:9001"));
        Assert.Equal($"tcp:{serverPort} errno=ECONNREFUSED", answer.Of($"tcp:{serverPort}"));
        Assert.Equal($"tcp:{listenerPort} errno=ECONNREFUSED", answer.Of($"tcp:{listenerPort}"));
        Assert.False(listener.Pending(), "the host listener saw a connection");
    }

    [Theory]
    [InlineData("mount")]
    [InlineData("ptrace")]
    [InlineData("keys")]
    [InlineData("unshare")]
    public async Task Privileged_syscalls_are_refused(string attack)
    {
        // open-ns only opens a namespace file of its own pid namespace (harmless); setns with it is what is refused.
        var answer = await AttackAsync(attack);
        Refused(answer, "open-ns");
        Assert.NotEmpty(answer.Results);
    }

    [Fact]
    public async Task Limits_cannot_be_raised()
    {
        var answer = await AttackAsync("rlimit");
        Assert.Equal("nofile soft=1024 hard=1024", answer.Of("nofile"));
        Assert.Equal("raise-nofile errno=EPERM", answer.Of("raise-nofile"));
        Assert.Equal("raise-core errno=EPERM", answer.Of("raise-core"));
        Assert.Equal("nice-minus-20 errno=EACCES", answer.Of("nice-minus-20"));
        Refused(answer, "nofile");
    }

    [Fact]
    public async Task The_runtime_the_agent_its_seccomp_filter_and_the_root_filesystem_cannot_be_overwritten()
    {
        var agentHash = SHA256.HashData(File.ReadAllBytes(AgentBinary.Path));
        var runc = SHA256.HashData(File.ReadAllBytes("/usr/sbin/runc"));
        var proc = await AttackAsync("proc /opt/lamina/lamina-init /var/task/bootstrap");
        Refused(proc);
        // Its memory limit was tried where either cgroup layout keeps it (v1 memory.limit_in_bytes, v2 memory.max),
        // at a cgroup mount's root and at its own cgroup's path, whichever layout this host has.
        Assert.StartsWith("/sys/fs/cgroup/memory/memory.limit_in_bytes errno=", proc.Of("/sys/fs/cgroup/memory/memory.limit_in_bytes"), StringComparison.Ordinal);
        Assert.StartsWith("/sys/fs/cgroup/memory.max errno=", proc.Of("/sys/fs/cgroup/memory.max"), StringComparison.Ordinal);
        var sandboxIds = server.SandboxesOf(Fn).Select(s => s.Id).ToList();
        Assert.Contains(proc.Results, r => sandboxIds.Any(id =>
            r.Contains($"/{id}/memory.limit_in_bytes errno=", StringComparison.Ordinal) || r.Contains($"/{id}/memory.max errno=", StringComparison.Ordinal)));
        // /opt/lamina/lamina-init.seccomp: the precompiled filter the agent installed (docs/sandbox.md, "Seccomp").
        var write = await AttackAsync("write /hostile /var/task/bootstrap /etc/passwd /opt/lamina/lamina-init /opt/lamina/lamina-init.seccomp /tmp/allowed");
        Assert.StartsWith("/opt/lamina/lamina-init.seccomp errno=", write.Of("/opt/lamina/lamina-init.seccomp"), StringComparison.Ordinal);
        Assert.Equal("/tmp/allowed ok", write.Of("/tmp/allowed")); // /tmp is the one writable place
        Refused(write, "/tmp/allowed");
        Assert.Equal(agentHash, SHA256.HashData(File.ReadAllBytes(AgentBinary.Path)));
        Assert.Equal(runc, SHA256.HashData(File.ReadAllBytes("/usr/sbin/runc")));
        // The function is still healthy afterwards.
        Assert.Contains("pong", (await AttackAsync("ping")).Body, StringComparison.Ordinal);
    }
}
