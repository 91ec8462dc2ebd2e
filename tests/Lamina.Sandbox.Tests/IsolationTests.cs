using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>What a sandbox can see: its image, its own /tmp, its own processes — nothing else.</summary>
public sealed class IsolationTests
{
    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Cannot_read_host_files(OciRuntime runtime)
    {
        var sentinel = Path.Combine("/root", "lamina-sentinel-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(sentinel, "host secret");
        try
        {
            await using var h = new SandboxHarness(runtime: runtime);
            var name = Path.GetFileName(sentinel);
            var output = await h.ShellAsync($"cat {sentinel}; echo cat-rc=$?; echo find:; find / -xdev -name {name}; echo done");
            Assert.DoesNotContain("host secret", output);
            Assert.Contains("cat-rc=1", output);
            Assert.Contains("find:\ndone", output);
        }
        finally { File.Delete(sentinel); }
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Sees_the_image_layers_merged_top_first(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var output = await h.ShellAsync("cat /var/task/marker; ls /bin/probe");
        Assert.Contains("image layer", output);
        Assert.Contains("/bin/probe", output);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Cannot_read_another_sandboxes_tmp(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var writer = await h.StartAsync("/bin/sh", "-c", "echo secret-of-a > /tmp/secret-a && echo written && exec /bin/probe sleep");
        await SandboxHarness.Eventually(() => SandboxHarness.Output(writer).Contains("written"), "sandbox A to write /tmp");
        var output = await h.ShellAsync("ls -A /tmp; cat /tmp/secret-a; echo rc=$?; echo find:; find / -xdev -name 'secret-*'; echo done");
        Assert.DoesNotContain("secret-of-a", output);
        Assert.Contains("rc=1", output);
        Assert.Contains("find:\ndone", output);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Sees_only_its_own_processes(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        await h.StartAsync("/bin/probe", "sleep");
        var output = await h.ShellAsync("ls /proc | grep -E '^[0-9]+$' | tr '\\n' ' '; echo; ps");
        var pids = output.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // The shell is pid 1; ls and grep are its children. Nothing from the host or sandbox A.
        Assert.Contains("1", pids);
        Assert.True(pids.Length <= 4, "visible pids: " + output);
        Assert.DoesNotContain("probe", output);
        Assert.DoesNotContain("dotnet", output);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Cannot_write_its_root_filesystem_but_can_write_tmp(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var output = await h.ShellAsync(
            "touch /newfile; touch /bin/busybox; echo x > /var/task/marker; echo tmp-ok > /tmp/f && cat /tmp/f; df -m /tmp");
        Assert.True(output.Contains("tmp-ok"), output);
        Assert.Contains("touch: /newfile: Read-only file system", output);
        Assert.Contains("touch: /bin/busybox: Read-only file system", output);
        Assert.Contains("Read-only file system", output.Split('\n').First(l => l.Contains("marker", StringComparison.Ordinal)));
        Assert.Contains("tmp-ok", output);
        // 512 MB EphemeralStorage: the tmpfs is 512 1M-blocks.
        Assert.Matches(@"tmpfs\s+512\s", output);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Network_none_has_only_loopback_and_it_is_up(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var output = await h.ShellAsync("ls /sys/class/net; echo ---; ip addr show lo");
        var interfaces = output.Split("---")[0].Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["lo"], interfaces);
        Assert.Contains("127.0.0.1", output);
        Assert.Contains("UP", output.Split("---")[1]);
    }
}
