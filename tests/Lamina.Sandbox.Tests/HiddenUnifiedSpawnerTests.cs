using System.Diagnostics;
using Lamina.Sandbox.Host;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// crun's create on a hybrid cgroup host runs in a private mount namespace without /sys/fs/cgroup/unified, made
/// in-process per start: the child must not see the cgroup2 mount, must see mounts made just before it started,
/// and the host must keep both.
/// </summary>
public sealed class HiddenUnifiedSpawnerTests
{
    private const string Unified = "/sys/fs/cgroup/unified";

    [Fact]
    public async Task A_child_sees_no_cgroup2_mount_but_every_host_mount_made_before_it_started()
    {
        Assert.True(HostHasUnified(), $"this test needs the hybrid layout's {Unified} mount (the host CI runs on has it)");
        var dir = Directory.CreateTempSubdirectory("lamina-spawner-").FullName;
        try
        {
            var before = await MountsSeenByChildAsync();
            Assert.DoesNotContain($" {Unified} ", before);
            Assert.DoesNotContain($" {dir} ", before);

            // A mount made on the host after the first start reaches the next child: each start copies the
            // host's namespace afresh (the rootfs is mounted right before crun create).
            Assert.Equal(0, Libc.mount("tmpfs", dir, "tmpfs", 0, "size=64k"));
            try
            {
                var after = await MountsSeenByChildAsync();
                Assert.Contains($" {dir} ", after);
                Assert.DoesNotContain($" {Unified} ", after);
            }
            finally { Libc.umount2(dir, Libc.MntDetach); }

            // The host keeps its cgroup2 mount, and no thread of this process but the spawner's own (which is in a
            // copy only while it starts a child) was left in a copy: a thread inherits its creator's namespace.
            Assert.True(HostHasUnified());
            var home = new FileInfo("/proc/self/ns/mnt").LinkTarget;
            foreach (var task in Directory.GetDirectories("/proc/self/task"))
            {
                string? ns;
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith("lamina mntns", StringComparison.Ordinal)) continue;
                    ns = new FileInfo(Path.Combine(task, "ns/mnt")).LinkTarget;
                }
                catch (IOException) { continue; } // the thread ended meanwhile
                if (ns is not null) Assert.Equal(home, ns); // null: it ended between the two reads
            }
        }
        finally { Directory.Delete(dir); }
    }

    [Fact]
    public async Task A_missing_executable_is_reported_and_the_next_start_still_works()
    {
        var missing = new ProcessStartInfo("/nonexistent/lamina-no-such-binary") { UseShellExecute = false };
        await Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(() => HiddenUnifiedSpawner.StartAsync(missing));
        Assert.DoesNotContain($" {Unified} ", await MountsSeenByChildAsync());
    }

    private static bool HostHasUnified() =>
        File.ReadAllLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4] == Unified);

    private static async Task<string> MountsSeenByChildAsync()
    {
        var start = new ProcessStartInfo("/bin/cat", "/proc/self/mountinfo") { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = await HiddenUnifiedSpawner.StartAsync(start);
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Equal(0, p.ExitCode);
        return text;
    }
}
