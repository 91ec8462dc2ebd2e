using System.Collections.Concurrent;
using System.Text.Json;
using Lamina.Images.Native;
using Lamina.Images.Unpack;
using Lamina.Oci;

namespace Lamina.Images.Snapshots;

/// <summary>
/// Content-addressed layer snapshots, each unpacked once and shared by every image that uses the layer.
/// <code>
/// ROOT/                           (e.g. DATA/snapshots)
///  ├─ sha256/&lt;diff_id hex&gt;/      one committed snapshot per uncompressed layer digest
///  │    ├─ fs/                    the layer's files: an overlayfs lower directory (whiteouts as 0/0
///  │    │                         char devices, opaque directories as trusted.overlay.opaque=y)
///  │    └─ snapshot.json          diff_id, uncompressed size, entry counts
///  ├─ tmp/&lt;random&gt;/              unpacks in progress and snapshots being deleted; swept on open
///  └─ refs.json                   which image uses which snapshot (see <see cref="RefTable"/>)
/// </code>
/// A snapshot appears only by renaming a complete tmp directory to sha256/&lt;hex&gt; after its diff_id was
/// verified (and, when durable, after syncfs), so a crash never leaves a half snapshot visible.
/// One store instance per root per process: the in-memory locks below are the coordination.
/// </summary>
public sealed partial class SnapshotStore
{
    private readonly string tmpRoot;
    private readonly bool durable;
    private readonly ConcurrentDictionary<Digest, Lazy<Task<string>>> inFlight = new();
    private readonly Dictionary<Digest, int> pins = [];
    private readonly Lock gate = new();

    /// <summary>Opens (creating) the store at <paramref name="root"/> and removes leftovers of interrupted unpacks.</summary>
    /// <param name="root">Directory of the store.</param>
    /// <param name="durable">syncfs before publishing each snapshot (off only for tests and benchmarks).</param>
    public SnapshotStore(string root, bool durable = true)
    {
        Root = Path.GetFullPath(root);
        this.durable = durable;
        tmpRoot = Path.Combine(Root, "tmp");
        if (Directory.Exists(tmpRoot)) Directory.Delete(tmpRoot, recursive: true);
        Directory.CreateDirectory(tmpRoot);
        Directory.CreateDirectory(Path.Combine(Root, "sha256"));
        Refs = new RefTable(Path.Combine(Root, "refs.json"));
    }

    public string Root { get; }

    /// <summary>The persisted image → snapshots table.</summary>
    public RefTable Refs { get; }

    /// <summary>The directory of a snapshot (its fs/ is the overlay lower dir), whether or not it exists.</summary>
    public string PathOf(Digest diffId) => Path.Combine(Root, diffId.AlgorithmName, diffId.Encoded);

    /// <summary>What snapshot.json records for a committed snapshot, or null.</summary>
    public SnapshotInfo? Info(Digest diffId)
    {
        var file = Path.Combine(PathOf(diffId), "snapshot.json");
        return File.Exists(file) ? JsonSerializer.Deserialize(File.ReadAllBytes(file), RefJson.Default.SnapshotInfo) : null;
    }

    /// <summary>The fs/ directory of a committed snapshot, or null.</summary>
    public string? TryGet(Digest diffId)
    {
        var fs = Path.Combine(PathOf(diffId), "fs");
        return Directory.Exists(fs) ? fs : null;
    }

    /// <summary>
    /// Returns the fs/ directory of the snapshot for <paramref name="diffId"/>, running <paramref name="unpack"/>
    /// into a private temp directory when it does not exist yet. Concurrent calls for one diff_id share one unpack.
    /// The unpack's computed diff_id must equal <paramref name="diffId"/> or nothing is published.
    /// </summary>
    public Task<string> GetOrCreateAsync(Digest diffId, Func<string, CancellationToken, Task<UnpackResult>> unpack, CancellationToken cancellationToken)
    {
        if (TryGet(diffId) is { } existing) return Task.FromResult(existing);
        var lazy = inFlight.GetOrAdd(diffId, d => new Lazy<Task<string>>(() => Task.Run(() => CreateAsync(d, unpack, cancellationToken), cancellationToken)));
        return Await(diffId, lazy);
    }

    private async Task<string> Await(Digest diffId, Lazy<Task<string>> lazy)
    {
        try { return await lazy.Value; }
        finally { inFlight.TryRemove(new KeyValuePair<Digest, Lazy<Task<string>>>(diffId, lazy)); }
    }

    private async Task<string> CreateAsync(Digest diffId, Func<string, CancellationToken, Task<UnpackResult>> unpack, CancellationToken cancellationToken)
    {
        if (TryGet(diffId) is { } existing) return existing;
        var work = Path.Combine(tmpRoot, Guid.NewGuid().ToString("n"));
        var fs = Path.Combine(work, "fs");
        Directory.CreateDirectory(fs);
        File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var result = await unpack(fs, cancellationToken);
            if (result.DiffId != diffId)
                throw new ImageException(ImageErrorCode.DiffIdMismatch,
                    $"layer uncompressed to {result.DiffId}, but the image config says its diff_id is {diffId}");
            File.WriteAllText(Path.Combine(work, "snapshot.json"), JsonSerializer.Serialize(new SnapshotInfo(
                diffId.ToString(), result.UncompressedBytes, result.Stats.Entries, DateTimeOffset.UtcNow), RefJson.Default.SnapshotInfo));
            if (durable) LibC.SyncFileSystem(work);
            var final = PathOf(diffId);
            try
            {
                Directory.Move(work, final);
            }
            catch (IOException) when (Directory.Exists(Path.Combine(final, "fs")))
            {
                Directory.Delete(work, recursive: true); // another process published it first; same content by construction
            }
            File.SetUnixFileMode(final, (UnixFileMode)0x1ED); // 0755: the sandbox's mount needs to traverse it
            return Path.Combine(final, "fs");
        }
        catch
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            throw;
        }
    }
}
