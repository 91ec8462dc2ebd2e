using System.Diagnostics;

namespace Lamina.Sandbox.Tests.Fixtures;

/// <summary>
/// A two-layer test image built once per test run: a base layer with static busybox and its
/// applets, and a top layer with the static probe program compiled from probe.c.
/// </summary>
internal static class TestImage
{
    private static readonly Lazy<string[]> LayersLazy = new(Build);

    private static readonly string[] Applets =
    [
        "sh", "cat", "ls", "ps", "echo", "sleep", "id", "ip", "mkdir", "touch", "grep", "find", "df",
        "env", "head", "wc", "true", "stat", "sync", "rm", "tr",
    ];

    /// <summary>Layer directories, top first.</summary>
    public static IReadOnlyList<string> Layers => LayersLazy.Value;

    /// <summary>The compiled probe on the host (also usable as a fake agent binary).</summary>
    public static string ProbeHostPath => Path.Combine(LayersLazy.Value[0], "bin", "probe");

    /// <summary>
    /// The compiled seccomp-init.c on the host: the harness's default first process, standing in for lamina-init's
    /// filter loading so every sandbox test runs under the precompiled filter (SandboxHarness.Request).
    /// </summary>
    public static string LoaderHostPath => Path.Combine(Path.GetDirectoryName(LayersLazy.Value[0])!, "loader", "seccomp-init");

    // Built once per content (probe.c + busybox) into a shared cache directory, so repeated test
    // runs neither rebuild nor leave a new copy behind; built aside and renamed into place.
    private static string[] Build()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Fixtures", "probe.c");
        var loader = Path.Combine(AppContext.BaseDirectory, "Fixtures", "seccomp-init.c");
        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            File.ReadAllBytes(source).Concat(File.ReadAllBytes(loader)).Concat(BitConverter.GetBytes(new FileInfo("/bin/busybox").Length)).ToArray()))[..16];
        var cache = Path.Combine("/var/tmp", "lamina-sandbox-test-image-" + key);
        if (Directory.Exists(cache)) return [Path.Combine(cache, "probe"), Path.Combine(cache, "base")];
        var root = cache + ".building-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        BuildInto(root, source);
        try { Directory.Move(root, cache); }
        catch (IOException) when (Directory.Exists(cache)) { Directory.Delete(root, true); } // another test process won the race
        return [Path.Combine(cache, "probe"), Path.Combine(cache, "base")];
    }

    private static void BuildInto(string root, string source)
    {
        var base_ = Path.Combine(root, "base");
        foreach (var d in new[] { "bin", "etc", "var/task", "usr/bin" }) Directory.CreateDirectory(Path.Combine(base_, d));
        const string busybox = "/bin/busybox";
        if (!File.Exists(busybox) || !IsStatic(busybox))
            throw new InvalidOperationException("static busybox missing: apt-get install -y busybox-static");
        File.Copy(busybox, Path.Combine(base_, "bin", "busybox"));
        foreach (var applet in Applets) File.CreateSymbolicLink(Path.Combine(base_, "bin", applet), "busybox");
        File.WriteAllText(Path.Combine(base_, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        File.WriteAllText(Path.Combine(base_, "var", "task", "marker"), "image layer\n");

        var top = Path.Combine(root, "probe");
        Directory.CreateDirectory(Path.Combine(top, "bin"));
        Run("gcc", "-static", "-O2", "-o", Path.Combine(top, "bin", "probe"), source);
        Directory.CreateDirectory(Path.Combine(root, "loader"));
        Run("gcc", "-static", "-O2", "-o", Path.Combine(root, "loader", "seccomp-init"),
            Path.Combine(Path.GetDirectoryName(source)!, "seccomp-init.c"));
    }

    private static bool IsStatic(string path)
    {
        var (code, output) = Run("file", ["-L", path], allowFailure: true);
        return code != 0 || output.Contains("statically linked") || output.Contains("static-pie");
    }

    private static (int, string) Run(string file, params string[] args) => Run(file, args, allowFailure: false);

    private static (int, string) Run(string file, string[] args, bool allowFailure)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start");
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && !allowFailure)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {output}");
        return (p.ExitCode, output);
    }
}
