using Lamina.Environments;
using Lamina.Images;

namespace Lamina.Bench.Coldstart;

/// <summary>
/// Idle cost of warm environments: N started, initialised and frozen; the memory cgroup charge of each
/// (agent + runtime, user + kernel memory) and the RSS of its processes, then host processes named runc.
/// </summary>
internal static class IdleOverhead
{
    public static async Task MeasureAsync(EnvironmentFactory factory, PulledImage image, FunctionConfig function, string parent, int count)
    {
        var envs = new List<ExecutionEnvironment>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var (env, error) = await factory.StartAsync($"idle-{i}", image, function);
                envs.Add(env ?? throw new InvalidOperationException(error!.ToString()));
                await env.InvokeAsync("{}"u8.ToArray());
            }
            double charge = 0, rss = 0;
            foreach (var env in envs)
            {
                var cg = Path.Combine("/sys/fs/cgroup/memory", parent, env.Sandbox.Id);
                charge += long.Parse(File.ReadAllText(Path.Combine(cg, "memory.usage_in_bytes")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                foreach (var pid in File.ReadAllLines(Path.Combine(cg, "cgroup.procs")))
                    rss += RssKb(pid) * 1024.0;
            }
            var runc = Directory.GetDirectories("/proc").Count(d => File.Exists(Path.Combine(d, "comm")) && TryRead(Path.Combine(d, "comm")).StartsWith("runc", StringComparison.Ordinal));
            Console.WriteLine($"idle (initialised, frozen) environments: {count}; runc processes on host: {runc}; " +
                $"memory cgroup charge (agent + runtime, incl. kernel memory): {charge / count / 1048576:0.00} MiB each; " +
                $"RSS of their processes: {rss / count / 1048576:0.00} MiB each");
        }
        finally
        {
            foreach (var env in envs) await env.DestroyAsync();
        }
    }

    private static long RssKb(string pid)
    {
        foreach (var line in TryRead($"/proc/{pid}/status").Split('\n'))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return 0;
    }

    private static string TryRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
