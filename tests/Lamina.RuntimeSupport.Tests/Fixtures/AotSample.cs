using System.Security.Cryptography;
using Lamina.Environments.Tests.Fixtures;

namespace Lamina.RuntimeSupport.Tests.Fixtures;

/// <summary>
/// samples/csharp-aot published with NativeAOT once per source version (its sources, csharp-hello's
/// and Lamina.RuntimeSupport's), cached in /var/tmp/lamina-csharp-aot-&lt;hash&gt; like
/// <see cref="AgentBinary"/> caches lamina-init. The first run takes a few minutes.
/// </summary>
internal static class AotSample
{
    private static readonly Lazy<string> PathLazy = new(Publish);

    /// <summary>The published <c>bootstrap</c> executable.</summary>
    public static string Path => PathLazy.Value;

    private static string Publish()
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var root in new[] { Repo.Path("samples", "csharp-aot"), Repo.Path("samples", "csharp-hello"), Repo.Path("src", "Lamina.RuntimeSupport") })
        {
            foreach (var f in Directory.GetFiles(root, "*", SearchOption.AllDirectories)
                         .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
                                     && !f.Contains("/bin/") && !f.Contains("/obj/"))
                         .Order(StringComparer.Ordinal))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetRelativePath(root, f)));
                hash.AppendData(File.ReadAllBytes(f));
            }
        }
        var dir = "/var/tmp/lamina-csharp-aot-" + Convert.ToHexString(hash.GetHashAndReset())[..16];
        var binary = System.IO.Path.Combine(dir, "bootstrap");
        if (File.Exists(binary)) return binary;
        var building = dir + ".building-" + Guid.NewGuid().ToString("N");
        // Own artifacts path: the solution's build of these projects (obj/, assets files) is never touched.
        Tool.Run("/usr/bin/dotnet", "publish", Repo.Path("samples", "csharp-aot"), "-c", "Release", "-r", "linux-x64", "-o", building,
            "--artifacts-path", building + ".artifacts");
        Directory.Delete(building + ".artifacts", recursive: true);
        try { Directory.Move(building, dir); }
        catch (IOException) when (File.Exists(binary)) { Directory.Delete(building, true); }
        return binary;
    }
}
