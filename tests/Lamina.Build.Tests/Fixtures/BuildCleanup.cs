namespace Lamina.Build.Tests.Fixtures;

/// <summary>Proves a build left nothing behind: no mount under the cache, no runc container, no build cgroup.</summary>
internal static class BuildCleanup
{
    public static void AssertNothingLeft(string cacheDirectory)
    {
        var cache = Path.GetFullPath(cacheDirectory);
        var mounts = File.ReadAllLines("/proc/self/mountinfo").Where(l => l.Split(' ')[4].StartsWith(cache, StringComparison.Ordinal)).ToList();
        Assert.Empty(mounts);
        var runcRoot = Path.Combine(cache, "work", "runc");
        if (Directory.Exists(runcRoot)) Assert.Empty(Tool.Run("/usr/sbin/runc", "--root", runcRoot, "list", "-q").Trim());
        var work = Path.Combine(cache, "work", "run");
        if (Directory.Exists(work)) Assert.Empty(Directory.GetFileSystemEntries(work));
        if (!Directory.Exists(Path.Combine(cache, "work"))) return;
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(cache, "work")),
            d => Path.GetFileName(d).StartsWith("run-", StringComparison.Ordinal) || Path.GetFileName(d).StartsWith("view-", StringComparison.Ordinal));
    }
}
