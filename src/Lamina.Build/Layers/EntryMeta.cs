namespace Lamina.Build.Layers;

/// <summary>Owner, permission bits and modification time of one layer entry.</summary>
public sealed record EntryMeta(int Mode, int Uid, int Gid, DateTimeOffset Modified)
{
    /// <summary>root:root 0755 at the Unix epoch: parents and whiteouts.</summary>
    public static EntryMeta RootDirectory { get; } = new(0x1ED, 0, 0, DateTimeOffset.UnixEpoch);
}
