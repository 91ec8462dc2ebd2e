namespace Lamina.Images.Unpack;

/// <summary>What an unpack did, including what it refused to reproduce, so callers can log policy decisions.</summary>
public sealed class UnpackStats
{
    public long Entries { get; internal set; }
    public long Files { get; internal set; }
    public long Directories { get; internal set; }
    public long Symlinks { get; internal set; }
    public long Hardlinks { get; internal set; }
    public long Whiteouts { get; internal set; }
    public long OpaqueDirectories { get; internal set; }

    /// <summary>Character and block devices in the layer; never created (see docs/images.md).</summary>
    public long DevicesSkipped { get; internal set; }

    /// <summary>Files whose setuid or setgid bit was removed.</summary>
    public long SetIdBitsStripped { get; internal set; }

    /// <summary>Extended attributes not applied (overlay metadata, file capabilities, ACLs).</summary>
    public long XattrsDropped { get; internal set; }
}
