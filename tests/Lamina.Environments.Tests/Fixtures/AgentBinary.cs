using System.Security.Cryptography;

namespace Lamina.Environments.Tests.Fixtures;

/// <summary>
/// The NativeAOT lamina-init: $LAMINA_INIT_BINARY when set, else published once per agent source
/// version into /var/tmp (a few minutes the first time; needs clang and zlib1g-dev).
/// </summary>
internal static class AgentBinary
{
    private static readonly Lazy<string> PathLazy = new(Find);

    public static string Path => PathLazy.Value;

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("LAMINA_INIT_BINARY") is { Length: > 0 } given)
            return File.Exists(given) ? given : throw new InvalidOperationException($"LAMINA_INIT_BINARY={given} does not exist");
        var project = Repo("src", "Lamina.Agent");
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in Directory.GetFiles(project, "*.cs*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/")).Order(StringComparer.Ordinal))
            hash.AppendData(File.ReadAllBytes(f));
        var dir = "/var/tmp/lamina-init-aot-" + Convert.ToHexString(hash.GetHashAndReset())[..16];
        var binary = System.IO.Path.Combine(dir, "lamina-init");
        if (File.Exists(binary)) return binary;
        var building = dir + ".building-" + Guid.NewGuid().ToString("N");
        // Own artifacts path: the solution's build of the agent (obj/, assets file) is never touched.
        Tool.Run("/usr/bin/dotnet", "publish", project, "-c", "Release", "-r", "linux-x64", "-o", building,
            "--artifacts-path", building + ".artifacts");
        Directory.Delete(building + ".artifacts", recursive: true);
        try { Directory.Move(building, dir); }
        catch (IOException) when (File.Exists(binary)) { Directory.Delete(building, true); }
        return binary;
    }

    private static string Repo(params string[] parts)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(System.IO.Path.Combine(d.FullName, "Lamina.slnx"))) d = d.Parent;
        if (d is null) throw new InvalidOperationException("Lamina.slnx not found above the test directory");
        return System.IO.Path.Combine([d.FullName, .. parts]);
    }
}
