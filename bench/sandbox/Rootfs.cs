using System.Diagnostics;

namespace Lamina.Bench.Sandbox;

/// <summary>The benchmark image: static busybox (base layer) and the static probe (top layer).</summary>
internal static class Rootfs
{
    public static string[] Build(string dir)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        var top = Path.Combine(dir, "probe");
        var base_ = Path.Combine(dir, "base");
        Directory.CreateDirectory(Path.Combine(top, "bin"));
        Directory.CreateDirectory(Path.Combine(base_, "bin"));
        Directory.CreateDirectory(Path.Combine(base_, "etc"));
        File.Copy("/bin/busybox", Path.Combine(base_, "bin", "busybox"));
        foreach (var a in new[] { "sh", "cat", "true" }) File.CreateSymbolicLink(Path.Combine(base_, "bin", a), "busybox");
        var psi = new ProcessStartInfo("gcc") { ArgumentList = { "-static", "-O2", "-o", Path.Combine(top, "bin", "probe"), Path.Combine(AppContext.BaseDirectory, "probe.c") } };
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("gcc failed");
        return [top, base_];
    }
}
