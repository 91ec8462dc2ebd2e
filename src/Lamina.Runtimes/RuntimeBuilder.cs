using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lamina.Runtimes.Debian;
using Lamina.Runtimes.Layers;
using Lamina.Runtimes.Oci;

namespace Lamina.Runtimes;

/// <summary>
/// Builds the base images into one OCI image layout: a shared Debian minbase layer, one runtime layer per
/// image (Debian packages, plus the .NET shared runtime for dotnet), and one Lamina layer (agent, entrypoint,
/// runtime interface client). Debian layers are cached by their inputs; the Lamina layer is rebuilt each time
/// (a few MB). docs/runtimes.md describes the images.
/// </summary>
public static class RuntimeBuilder
{
    /// <summary>Bumped whenever the recipe of a Debian layer changes, so old cache entries are not reused.</summary>
    public const string RecipeVersion = "2";

    /// <summary>Builds <see cref="RuntimeBuildOptions.Images"/>; throws <see cref="RuntimeBuildException"/> with the reason on failure.</summary>
    public static async Task<IReadOnlyList<BuiltImage>> BuildAsync(RuntimeBuildOptions options, CancellationToken ct = default)
    {
        if (!File.Exists(options.AgentBinary)) throw new RuntimeBuildException($"the lamina-init binary {options.AgentBinary} does not exist.");
        if (options.Images.Count == 0) throw new RuntimeBuildException("no images to build.");
        var log = options.Log ?? (_ => { });
        var existing = ImageWriter.ReadExistingIndex(options.OutputDirectory);
        var epoch = DateTimeOffset.FromUnixTimeSeconds(options.SourceDateEpoch);
        var cache = new LayerCache(options.CacheDirectory);
        string archiveState;
        using (var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) })
            archiveState = await options.Archive.StateAsync(http, ct);
        var epochText = options.SourceDateEpoch.ToString(CultureInfo.InvariantCulture);
        var baseKey = Key("base", RecipeVersion, string.Join('\n', options.Archive.SourceLines), string.Join(',', RuntimeCatalog.BasePackages),
            string.Join(',', Mmdebstrap.PathExcludes), epochText, archiveState);
        var baseRootfs = new Lazy<string>(() => BaseRootfs(options, baseKey, log));
        var baseTree = new Lazy<Dictionary<string, LayerEntry>>(() => FileTree.Scan(baseRootfs.Value));

        var blobs = Path.Combine(options.OutputDirectory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var baseLayer = cache.Find("base-" + baseKey) ?? cache.Add("base-" + baseKey, dir =>
        {
            log("writing the Debian base layer");
            return (LayerWriter.Write(baseTree.Value.Values, dir, epoch), []);
        });
        Place(baseLayer, blobs);
        var baseHistory = $"mmdebstrap --variant=minbase {options.Archive.Suite} + {string.Join(' ', RuntimeCatalog.BasePackages)}";

        var built = new List<BuiltImage>();
        var dotnet = new Lazy<DotnetRuntime>(() => DotnetRuntime.FindLocal(10));
        foreach (var image in options.Images)
        {
            ct.ThrowIfCancellationRequested();
            var layers = new List<(LayerBlob, string)> { (baseLayer.Blob, baseHistory) };
            Dictionary<string, string> facts = [];
            if (image.Packages.Count > 0 || image.AddsDotnetRuntime)
            {
                var key = "runtime-" + Key(baseKey, image.Name, string.Join(',', image.Packages), image.AddsDotnetRuntime ? dotnet.Value.Fingerprint() : "");
                var runtime = cache.Find(key) ?? cache.Add(key, dir => RuntimeLayer(options, image, baseTree.Value, image.AddsDotnetRuntime ? dotnet.Value : null, dir, epoch, log));
                Place(runtime, blobs);
                facts = runtime.Facts;
                var history = "apt-get install " + string.Join(' ', image.Packages) + (image.AddsDotnetRuntime ? $" + Microsoft.NETCore.App {facts.GetValueOrDefault("dotnet")}" : "");
                layers.Add((runtime.Blob, history));
            }
            var tag = Tag(image, facts);
            log($"writing {image.Repository}:{tag}");
            var lamina = LayerWriter.Write(LaminaLayer.Entries(image, options.AgentBinary), blobs, epoch);
            layers.Add((lamina, "lamina: lamina-init, /lambda-entrypoint.sh, runtime interface client"));
            var manifest = ImageWriter.Write(blobs, image, tag, layers, epoch);
            built.Add(new BuiltImage(image, tag, image.RefName(tag), manifest.Digest, [.. layers.Select(l => l.Item1)]));
        }
        var manifests = built.Select(b => (b.RefName, b.ManifestDigest, new FileInfo(Path.Combine(blobs, b.ManifestDigest["sha256:".Length..])).Length)).ToList();
        var rebuilt = built.Select(b => b.RefName).ToHashSet(StringComparer.Ordinal);
        ImageWriter.WriteIndex(options.OutputDirectory, [.. existing.Where(e => e.RefName is null || !rebuilt.Contains(e.RefName)).Select(e => e.Raw)], manifests);
        cache.Prune(TimeSpan.FromDays(14));
        return built;
    }

    private static string Tag(RuntimeImage image, Dictionary<string, string> facts)
    {
        if (image.CheckedPackage is { } checkedPackage && image.FixedTag is { } expected
            && !(facts.GetValueOrDefault(checkedPackage) ?? "").StartsWith(expected + ".", StringComparison.Ordinal))
            throw new RuntimeBuildException($"{image.Name}: the archive's {checkedPackage} is {facts.GetValueOrDefault(checkedPackage) ?? "missing"}, not {expected}.x");
        if (image.FixedTag is { } tag) return tag;
        var version = facts.GetValueOrDefault(image.TagPackage ?? "") ?? throw new RuntimeBuildException($"{image.Name}: no version of {image.TagPackage} recorded");
        return DpkgStatus.Major(version);
    }

    private static (LayerBlob, Dictionary<string, string>) RuntimeLayer(RuntimeBuildOptions options, RuntimeImage image,
        Dictionary<string, LayerEntry> baseTree, DotnetRuntime? dotnet, string blobsDirectory, DateTimeOffset epoch, Action<string> log)
    {
        var rootfs = Path.Combine(options.CacheDirectory, "work", image.Name + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(rootfs)!);
        try
        {
            log($"bootstrapping {image.Name}: {string.Join(' ', image.Packages)}");
            RequireRoot();
            Mmdebstrap.Create(rootfs, options.Archive, [.. RuntimeCatalog.BasePackages, .. image.Packages], options.SourceDateEpoch);
            var facts = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var package in new[] { image.TagPackage, image.CheckedPackage }.OfType<string>())
                facts[package] = DpkgStatus.Version(rootfs, package) ?? throw new RuntimeBuildException($"{package} is not installed in the {image.Name} image");
            if (dotnet is not null)
            {
                dotnet.CopyInto(rootfs);
                facts["dotnet"] = dotnet.Version;
            }
            log($"writing the {image.Name} runtime layer");
            var layer = LayerWriter.Write(TreeDiff.Compute(baseTree, FileTree.Scan(rootfs)), blobsDirectory, epoch);
            return (layer, facts);
        }
        finally
        {
            if (Directory.Exists(rootfs)) Directory.Delete(rootfs, recursive: true);
        }
    }

    private static string BaseRootfs(RuntimeBuildOptions options, string baseKey, Action<string> log)
    {
        var final = Path.Combine(options.CacheDirectory, "rootfs", baseKey);
        if (Directory.Exists(final))
        {
            Directory.SetLastWriteTimeUtc(final, DateTime.UtcNow); // last use, for LayerCache.Prune
            return final;
        }
        RequireRoot();
        log($"bootstrapping the Debian {options.Archive.Suite} minbase root filesystem");
        var temporary = final + ".tmp-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        try
        {
            Mmdebstrap.Create(temporary, options.Archive, RuntimeCatalog.BasePackages, options.SourceDateEpoch);
            try { Directory.Move(temporary, final); }
            catch (IOException) when (Directory.Exists(final)) { /* another build finished it first: same inputs, same tree */ }
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
        return final;
    }

    private static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
            throw new RuntimeBuildException("building the Debian layers runs mmdebstrap in root mode: run as root (the built layers are cached; later builds need no root).");
    }

    /// <summary>Copies a cached layer into the layout's blobs unless it is there already.</summary>
    private static void Place(LayerCache.Entry entry, string blobs)
    {
        var target = Path.Combine(blobs, entry.Blob.Digest["sha256:".Length..]);
        if (File.Exists(target) && new FileInfo(target).Length == entry.Blob.Size) return;
        File.Copy(entry.BlobPath, target, overwrite: true);
    }

    private static string Key(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))))[..32];
}
