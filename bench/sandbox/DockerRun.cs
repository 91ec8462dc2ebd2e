using System.Diagnostics;

namespace Lamina.Bench.Sandbox;

/// <summary>
/// The peer: `docker run -d --network none` of the same root filesystem (imported once as an
/// image), timed from the CLI invocation until the probe's byte arrives on the fifo.
/// </summary>
internal static class DockerRun
{
    public static async Task<List<double>> MeasureAsync(string host, string[] layers, string work, int runs)
    {
        // Flatten the layers (base first, top over it) into one tar for `docker import`.
        var flat = Path.Combine(work, "flat");
        if (Directory.Exists(flat)) Directory.Delete(flat, true);
        foreach (var layer in layers.Reverse()) Cli("cp", "-a", layer + "/.", flat + "/");
        Cli("sh", "-c", $"tar -C {flat} -c . | /usr/bin/docker -H {host} import - lamina-bench:latest");
        var shared = Path.Combine(work, "docker-fifo");
        Directory.CreateDirectory(shared);

        var samples = new List<double>();
        for (int i = -3; i < runs; i++)
        {
            var fifo = Path.Combine(shared, "ready");
            if (File.Exists(fifo)) File.Delete(fifo);
            var clock = Stopwatch.StartNew();
            var ready = Fifo.ReadOneByteAsync(fifo);
            var name = $"lamina-bench-{i + 3}";
            var id = Cli("/usr/bin/docker", "-H", host, "run", "-d", "--name", name, "--network", "none", "--user", "993:990",
                "--read-only", "-v", shared + ":/run/lamina", "lamina-bench:latest", "/bin/probe", "ready").Trim();
            await ready.WaitAsync(TimeSpan.FromSeconds(60));
            if (i >= 0) samples.Add(clock.Elapsed.TotalMilliseconds);
            Cli("/usr/bin/docker", "-H", host, "rm", "-f", id);
        }
        return samples;
    }

    private static string Cli(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {error}");
        return output;
    }
}
