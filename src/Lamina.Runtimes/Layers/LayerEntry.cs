namespace Lamina.Runtimes.Layers;

/// <summary>The kind of a layer entry (device nodes, fifos and sockets never enter a layer).</summary>
public enum LayerEntryKind
{
    /// <summary>A regular file.</summary>
    File,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A symbolic link (<see cref="LayerEntry.LinkTarget"/>).</summary>
    Symlink,
    /// <summary>An OCI whiteout: the path is deleted from the layers below.</summary>
    Whiteout,
}

/// <summary>
/// One path of a layer: relative, '/'-separated, no leading "./". Contents come from <see cref="SourcePath"/>
/// (a file on disk) or <see cref="Content"/> (in memory). <see cref="HardLinkKey"/> groups files that share
/// an inode so the layer stores their bytes once.
/// </summary>
public sealed record LayerEntry(string Path, LayerEntryKind Kind, int Mode, int Uid = 0, int Gid = 0)
{
    /// <summary>Size in bytes of a regular file.</summary>
    public long Size { get; init; }

    /// <summary>The target of a symlink.</summary>
    public string LinkTarget { get; init; } = "";

    /// <summary>Where a regular file's bytes are read from, when not <see cref="Content"/>.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The bytes of a regular file built in memory.</summary>
    public byte[]? Content { get; init; }

    /// <summary>Device and inode of a file with more than one link, else null.</summary>
    public string? HardLinkKey { get; init; }

    /// <summary>Opens the file's bytes.</summary>
    public Stream Open() => Content is not null ? new MemoryStream(Content, writable: false)
        : File.OpenRead(SourcePath ?? throw new InvalidOperationException($"{Path} has no content"));

    /// <summary>An in-memory file.</summary>
    public static LayerEntry FromBytes(string path, byte[] content, int mode) =>
        new(path, LayerEntryKind.File, mode) { Content = content, Size = content.Length };

    /// <summary>A root-owned directory.</summary>
    public static LayerEntry Dir(string path, int mode = 0x1ED /* 0755 */) => new(path, LayerEntryKind.Directory, mode);
}
