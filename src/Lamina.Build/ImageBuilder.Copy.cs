using System.Globalization;
using Lamina.Build.Context;
using Lamina.Build.Dockerfile;
using Lamina.Build.Layers;
using Lamina.Build.Stages;
using Lamina.Sandbox.Build;

namespace Lamina.Build;

public sealed partial class ImageBuilder
{
    private async Task CopyAsync(BuildRun run, StageState state, Instruction ins, ShellWords words, string label, CancellationToken cancellationToken)
    {
        var args = ins.Json is { } json ? json.Select(a => Expand(words, ins, a)).ToList() : ExpandWords(words, ins, ins.Arguments).ToList();
        if (args.Count < 2) throw BuildException.At(ins, $"{ins.Keyword} needs at least one source and a destination");
        var sources = args[..^1];
        var isAdd = ins.Keyword == "ADD";
        foreach (var s in sources.Where(s => s.Contains("://", StringComparison.Ordinal) || s.StartsWith("git@", StringComparison.Ordinal)))
            throw BuildException.At(ins, $"ADD of URLs ({s}) is not supported: fetch it with curl or wget in a RUN step, or put it in the build context");
        var dest = args[^1];
        if (dest == "." || dest.EndsWith("/.", StringComparison.Ordinal)) dest += "/";
        var destAbs = dest.StartsWith('/') ? dest : (state.WorkingDir ?? "/") + "/" + dest;
        // Docker copies a single file INTO an existing directory even without a trailing '/'
        // (`COPY app.py ${LAMBDA_TASK_ROOT}` onto the base image's /var/task), so look at the stage's filesystem.
        if (!destAbs.EndsWith('/') && sources.Count == 1 && !PathPattern.HasWildcards(sources[0])
            && await IsDirectoryInStageAsync(state, ins, destAbs, cancellationToken))
            destAbs += "/";
        var owner = Owner(ins, ins.Flag("chown"));
        var mode = Mode(ins, ins.Flag("chmod"));
        var from = ins.Flag("from");
        var text = $"{ins.Keyword} {string.Join(' ', ins.Flags.Select(f => $"--{f.Key}={f.Value}"))} {string.Join(' ', sources)} {dest}".Replace("  ", " ", StringComparison.Ordinal);
        run.Report(BuildEventKind.Step, label, text);

        LayerView? view = null;
        try
        {
            string root;
            var ignore = DockerIgnore.Empty;
            if (from is null)
            {
                root = Path.GetFullPath(run.Request.ContextDirectory);
                try { ignore = DockerIgnore.Load(root); }
                catch (FormatException e) { throw new BuildException(e.Message); }
            }
            else
            {
                var source = run.Plan.Find(from, state.Index) is { } stage
                    ? run.Stages[stage.Index]!
                    : await PullAsync(ins, Expand(words, ins, from), cancellationToken);
                view = await MountAsync(source, ins, cancellationToken);
                root = view.Root;
            }
            SortedDictionary<string, CopyItem> items;
            try { items = new CopySources(root, ignore).Resolve(sources, destAbs); }
            catch (Exception e) when (e is FormatException or IOException)
            {
                throw BuildException.At(ins, (from is null ? "in the build context: " : $"in --from={from}: ") + e.Message);
            }
            var inputs = CopySources.ContentHash(items);
            var archiveDir = PathPattern.Clean(destAbs);
            await AddLayerAsync(run, state, label, text, inputs,
                () => Task.FromResult(WriteCopyLayer(items, owner, mode, isAdd ? archiveDir : null)));
        }
        finally
        {
            view?.Dispose();
        }
    }

    /// <summary>Whether <paramref name="path"/> is a directory in the stage's layers so far, never through a symlink.</summary>
    private async Task<bool> IsDirectoryInStageAsync(StageState state, Instruction ins, string path, CancellationToken cancellationToken)
    {
        var parts = PathPattern.Clean(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (state.Layers.Count == 0 || parts.Length == 0) return false;
        using var view = await MountAsync(state, ins, cancellationToken);
        var current = view.Root;
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            try
            {
                if (FileSystemCalls.Lstat(current).Type != FileStatus.Directory) return false;
            }
            catch (IOException) { return false; } // missing: COPY creates it as a file
        }
        return true;
    }

    private LayerRef WriteCopyLayer(SortedDictionary<string, CopyItem> items, (int Uid, int Gid)? owner, int? mode, string? extractArchivesInto)
    {
        using var layer = new LayerWriter(_blobs, _options.SourceDateEpoch);
        foreach (var item in items.Values)
        {
            var st = item.Status;
            var meta = new EntryMeta(mode ?? st.Permissions, owner?.Uid ?? 0, owner?.Gid ?? 0, DateTimeOffset.FromUnixTimeSeconds(st.MtimeSeconds));
            switch (st.Type)
            {
                case FileStatus.Directory: layer.AddDirectory(item.Destination, meta); break;
                case FileStatus.Regular when extractArchivesInto is not null && ArchiveExtractor.IsArchive(item.Source):
                    ArchiveExtractor.Extract(item.Source, extractArchivesInto, layer);
                    break;
                case FileStatus.Regular: layer.AddFile(item.Destination, item.Source, meta); break;
                case FileStatus.Symlink: layer.AddSymlink(item.Destination, new FileInfo(item.Source).LinkTarget ?? "", meta); break;
                case FileStatus.Fifo: layer.AddFifo(item.Destination, meta); break;
            }
        }
        return new LayerRef(layer.Finish(), Oci.MediaTypes.OciLayerGzip, Now());
    }

    private static (int, int)? Owner(Instruction ins, string? chown)
    {
        if (chown is null) return null;
        var parts = chown.Split(':');
        int Id(string s) => s == "root" ? 0 : int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw BuildException.At(ins, $"--chown={chown}: only numeric ids (and root) are supported, e.g. --chown=1000:1000");
        var uid = Id(parts[0]);
        return parts.Length switch
        {
            1 => (uid, uid),
            2 => (uid, Id(parts[1])),
            _ => throw BuildException.At(ins, $"--chown={chown}: expected UID[:GID]"),
        };
    }

    private static int? Mode(Instruction ins, string? chmod)
    {
        if (chmod is null) return null;
        try
        {
            var mode = Convert.ToInt32(chmod, 8);
            return mode is >= 0 and <= 0xFFF ? mode : throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw BuildException.At(ins, $"--chmod={chmod}: expected an octal mode such as 755");
        }
    }
}
