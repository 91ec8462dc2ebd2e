using Lamina.Build.Dockerfile;
using Lamina.Build.Layers;
using Lamina.Build.Stages;
using Lamina.Images.Unpack;
using Lamina.Sandbox.Build;

namespace Lamina.Build;

public sealed partial class ImageBuilder
{
    private async Task RunAsync(BuildRun run, StageState state, Instruction ins, string label, CancellationToken cancellationToken)
    {
        var args = ins.Json?.ToList() ?? ["/bin/sh", "-c", ins.Arguments];
        if (args.Count == 0) throw BuildException.At(ins, "RUN [] has no command");
        var text = ins.Json is null ? "RUN /bin/sh -c " + ins.Arguments : "RUN " + System.Text.Json.JsonSerializer.Serialize(args, BuildJson.Default.ListString);
        run.Report(BuildEventKind.Step, label, text);
        // Build arguments change what a RUN sees without appearing in its text: they are part of its key.
        var env = state.RunEnvironment();
        var inputs = string.Join('\n', env) + "\nUSER " + state.User;
        await AddLayerAsync(run, state, label, text, inputs, async () =>
        {
            var (uid, gid) = await ResolveUserAsync(state, ins, cancellationToken);
            var layers = await SnapshotsAsync(state, ins, cancellationToken);
            var id = "run-" + Guid.NewGuid().ToString("n")[..16];
            Directory.CreateDirectory(_work);
            var upper = Path.Combine(_work, id + "-upper");
            Directory.CreateDirectory(upper);
            try
            {
                var request = new BuildRunRequest(id, layers, upper, args, env, state.WorkingDir ?? "/", uid, gid);
                var result = await _sandbox.RunAsync(request, line => run.Report(BuildEventKind.Output, label, line), cancellationToken);
                if (!result.Ok) throw BuildException.At(ins, "cannot start the build sandbox: " + result.Error.Message);
                if (result.Value.ExitCode != 0)
                {
                    throw BuildException.At(ins, $"'{string.Join(' ', args)}' failed with exit code {result.Value.ExitCode}" +
                        (result.Value.OutputTail.Length > 0 ? ":\n" + result.Value.OutputTail.TrimEnd() : " (no output)"));
                }
                using var layer = new LayerWriter(_blobs, _options.SourceDateEpoch);
                OverlayDiff.Write(upper, layer, new HashSet<string>(StringComparer.Ordinal));
                return new LayerRef(layer.Finish(), Oci.MediaTypes.OciLayerGzip, Now());
            }
            finally
            {
                Directory.Delete(upper, recursive: true);
            }
        });
    }

    /// <summary>The stage's layers unpacked (once, shared) as overlay lower directories, top first.</summary>
    private async Task<List<string>> SnapshotsAsync(StageState state, Instruction ins, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        foreach (var layer in state.Layers)
        {
            var blob = _blobs.PathOf(layer.Blob.Digest);
            try
            {
                paths.Add(await _snapshots.GetOrCreateAsync(layer.Blob.DiffId, (fs, ct) =>
                    Task.FromResult(LayerUnpacker.Unpack(File.OpenRead(blob), layer.MediaType, layer.Blob.Size, fs, new UnpackLimits(), cancellationToken: ct)),
                    cancellationToken));
            }
            catch (Images.ImageException e)
            {
                throw BuildException.At(ins, $"cannot unpack layer {layer.Blob.Digest}: {e.Message}");
            }
        }
        paths.Reverse();
        return paths;
    }

    /// <summary>A read-only view of a stage's root filesystem (COPY --from, USER name lookups).</summary>
    private async Task<LayerView> MountAsync(StageState state, Instruction ins, CancellationToken cancellationToken)
    {
        var layers = await SnapshotsAsync(state, ins, cancellationToken);
        var dir = Path.Combine(_work, "view-" + Guid.NewGuid().ToString("n")[..16]);
        var view = LayerView.Mount(layers, dir);
        return view.Ok ? view.Value : throw BuildException.At(ins, view.Error.Message);
    }

    /// <summary>USER as numbers: uid[:gid] directly, names from the stage's /etc/passwd and /etc/group (never through a symlink).</summary>
    private async Task<(uint, uint)> ResolveUserAsync(StageState state, Instruction ins, CancellationToken cancellationToken)
    {
        var user = state.User;
        if (string.IsNullOrEmpty(user) || user is "root" or "0" or "0:0" or "root:root") return (0, 0);
        var parts = user.Split(':', 2);
        uint? uid = uint.TryParse(parts[0], out var u) ? u : null;
        uint? gid = parts.Length == 2 && uint.TryParse(parts[1], out var g) ? g : null;
        if (uid is not null && (parts.Length == 1 || gid is not null)) return (uid.Value, gid ?? uid.Value);
        using var view = await MountAsync(state, ins, cancellationToken);
        string[] Read(string name)
        {
            var path = Path.Combine(view.Root, "etc", name);
            try
            {
                return FileSystemCalls.Lstat(Path.Combine(view.Root, "etc")).Type == FileStatus.Directory
                    && FileSystemCalls.Lstat(path).Type == FileStatus.Regular ? File.ReadAllLines(path) : [];
            }
            catch (IOException) { return []; }
        }
        uint primaryGid = 0;
        if (uid is null)
        {
            var entry = Read("passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 4 && f[0] == parts[0])
                ?? throw BuildException.At(ins, $"USER {user}: no user '{parts[0]}' in the image's /etc/passwd");
            uid = uint.Parse(entry[2]);
            primaryGid = uint.Parse(entry[3]);
        }
        if (parts.Length == 2 && gid is null)
        {
            var entry = Read("group").Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 3 && f[0] == parts[1])
                ?? throw BuildException.At(ins, $"USER {user}: no group '{parts[1]}' in the image's /etc/group");
            gid = uint.Parse(entry[2]);
        }
        return (uid.Value, gid ?? primaryGid);
    }
}
