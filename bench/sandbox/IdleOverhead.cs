using System.Diagnostics;
using System.Globalization;
using Lamina.Sandbox;

namespace Lamina.Bench.Sandbox;

/// <summary>Host cost of idle sandboxes: runc processes left (should be none) and memory charged.</summary>
internal static class IdleOverhead
{
    public static async Task MeasureAsync(SandboxManager manager, string[] layers, int count)
    {
        var sandboxes = new List<SandboxHandle>();
        for (int i = 0; i < count; i++)
        {
            var r = await manager.CreateAsync(new SandboxRequest($"idle-{i}", layers,
                new ImageProcessConfig(["/bin/probe"], ["sleep"], "/", null), null,
                new LambdaEnvironment("bench", "$LATEST", "us-east-1", "x"), null));
            if (!r.Ok) throw new InvalidOperationException(r.Error.ToString());
            await manager.StartAsync(r.Value);
            sandboxes.Add(r.Value);
        }
        foreach (var s in sandboxes) await manager.FreezeAsync(s);
        var runcProcs = Process.GetProcesses().Count(p => SafeName(p).StartsWith("runc", StringComparison.Ordinal));
        long rssKb = sandboxes.Sum(s => RssKb(s.Pid));
        long cgroupBytes = sandboxes.Sum(s => long.Parse(File.ReadAllText(
            $"/sys/fs/cgroup/memory/{manager.Options.CgroupParent}/{s.Id}/memory.usage_in_bytes").Trim(), CultureInfo.InvariantCulture));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"idle (frozen) sandboxes: {count}; runc processes on host: {runcProcs}; " +
            $"RSS of sandbox processes: {rssKb / (double)count:F0} KB each; " +
            $"memory cgroup charge (incl. kernel memory): {cgroupBytes / 1024.0 / count:F0} KB each"));
        foreach (var s in sandboxes) await manager.DestroyAsync(s);
    }

    private static string SafeName(Process p)
    {
        try { return p.ProcessName; } catch (InvalidOperationException) { return ""; }
    }

    private static long RssKb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
