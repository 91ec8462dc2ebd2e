using Lamina.Build.Dockerfile;
using Lamina.Build.Layers;
using Lamina.Build.Stages;
using Lamina.Images.Registry;
using Lamina.Images.Snapshots;
using Lamina.Sandbox.Build;

namespace Lamina.Build;

/// <summary>
/// Builds an image from a Dockerfile without a Docker engine.
/// <code>
/// Step 1  parse the Dockerfile; global ARGs; stages; pick the target and the stages it needs
/// Step 2  per needed stage, per instruction:
///           FROM     scratch | earlier stage | registry image (blobs into the cache, verified)
///           config   ENV ARG LABEL WORKDIR USER EXPOSE CMD ENTRYPOINT STOPSIGNAL → config + cache chain
///           COPY/ADD resolve sources, hash their content → cache hit, or a deterministic tar.gz layer
///           RUN      cache hit, or runc on overlay(stage snapshots) + upper dir → upper diff as a layer
/// Step 3  the target's config and manifest (<see cref="BuiltImage"/>), written out by the caller
/// </code>
/// Cache layout (<see cref="BuildOptions.CacheDirectory"/>): <c>blobs/</c> (layers, configs, manifests),
/// <c>snapshots/</c> (layers unpacked for RUN and COPY --from), <c>cache/</c> (chain → layer), <c>work/</c>
/// (RUN sandboxes, emptied on start). One build at a time per cache directory (a lock file says so).
/// </summary>
public sealed partial class ImageBuilder : IDisposable
{
    private readonly BuildOptions _options;
    private readonly FileStream _lock;
    private readonly BlobStore _blobs;
    private readonly SnapshotStore _snapshots;
    private readonly LayerCache _cache;
    private readonly BuildSandbox _sandbox;
    private readonly RegistryClient _registry;
    private readonly string _work;

    /// <summary>Opens the cache directory (creating it) and takes its lock.</summary>
    /// <exception cref="BuildException">Another build holds the cache directory.</exception>
    public ImageBuilder(BuildOptions options)
    {
        _options = options;
        var root = Path.GetFullPath(options.CacheDirectory);
        Directory.CreateDirectory(root);
        try
        {
            _lock = new FileStream(Path.Combine(root, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new BuildException($"another build is using the cache directory {root}; wait for it or pass another cache directory");
        }
        _blobs = new BlobStore(Path.Combine(root, "blobs"));
        _snapshots = new SnapshotStore(Path.Combine(root, "snapshots"), durable: false);
        _cache = new LayerCache(Path.Combine(root, "cache"), _blobs);
        _work = Path.Combine(root, "work");
        _sandbox = new BuildSandbox(_work);
        _registry = new RegistryClient(options.Registry);
    }

    /// <summary>The blob store holding every layer, config and manifest of built images.</summary>
    public BlobStore Blobs => _blobs;

    /// <summary>Builds <paramref name="request"/>; progress reports arrive synchronously on the building thread.</summary>
    /// <exception cref="BuildException">Any expected failure, with file, line and instruction where there is one.</exception>
    public async Task<Output.BuiltImage> BuildAsync(BuildRequest request, IProgress<BuildEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        await RecoverAsync();
        // Step 1
        var dockerfileName = Path.GetFileName(request.DockerfilePath);
        if (!File.Exists(request.DockerfilePath)) throw new BuildException($"Dockerfile not found: {request.DockerfilePath}");
        if (!Directory.Exists(request.ContextDirectory)) throw new BuildException($"build context is not a directory: {request.ContextDirectory}");
        var parsed = DockerfileParser.Parse(await File.ReadAllTextAsync(request.DockerfilePath, cancellationToken), dockerfileName);
        var plan = BuildPlan.Create(parsed, request);
        var run = new BuildRun(request, plan, parsed.EscapeCharacter, progress);
        foreach (var w in parsed.Warnings.Concat(plan.Warnings)) run.Report(BuildEventKind.Warning, "", w);

        // Step 2
        foreach (var stage in plan.Needed)
        {
            run.Stages[stage.Index] = await BuildStageAsync(run, stage, cancellationToken);
        }

        // Step 3
        var target = run.Stages[plan.Target.Index]!;
        return Output.ImageAssembler.Assemble(target, _blobs, _options.SourceDateEpoch);
    }

    // Leftovers of a crashed build in this cache (we hold its lock, so nothing else is running): containers,
    // mounts, upper directories and views.
    private async Task RecoverAsync()
    {
        if (!Directory.Exists(_work)) return;
        await _sandbox.RecoverAsync();
        foreach (var dir in Directory.GetDirectories(_work).Where(d => Path.GetFileName(d) is var n && (n.StartsWith("run-", StringComparison.Ordinal) || n.StartsWith("view-", StringComparison.Ordinal))))
            Directory.Delete(dir, recursive: true);
    }

    /// <summary>Releases the cache lock.</summary>
    public void Dispose()
    {
        _registry.Dispose();
        _lock.Dispose();
    }
}
