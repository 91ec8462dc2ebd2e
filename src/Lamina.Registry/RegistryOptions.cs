namespace Lamina.Registry;

/// <summary>Registry settings, a section of the server's options (<c>LAMINA__Registry__*</c>).</summary>
public sealed class RegistryOptions
{
    /// <summary>Uploads untouched for this long are abandoned and removed.</summary>
    public TimeSpan UploadExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often garbage collection runs; zero disables the background collector.</summary>
    public TimeSpan GcInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// An unreferenced blob, or a repository's link to a blob no manifest of that repository references (a deleted
    /// image's layer), is only collected once untouched this long, so a push in progress never loses a layer it
    /// uploaded (or was told by HEAD exists, which restarts the link's clock past half of this) before its manifest.
    /// </summary>
    public TimeSpan GcGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How whole large blobs are sent (<c>LAMINA__Registry__BlobSend=SendFile|Copy|Auto</c>); see <see cref="BlobSendMode"/>.
    /// SendFile by default: the copy path relieves a lone client's CPU but costs the server about as much
    /// as it saves the client (bench/registry/README.md, "1-client pull").
    /// </summary>
    public BlobSendMode BlobSend { get; set; } = BlobSendMode.SendFile;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (UploadExpiry <= TimeSpan.Zero) errors.Add("Registry:UploadExpiry must be positive");
        if (GcInterval < TimeSpan.Zero) errors.Add("Registry:GcInterval must not be negative");
        if (GcGracePeriod < TimeSpan.Zero) errors.Add("Registry:GcGracePeriod must not be negative");
        if (!Enum.IsDefined(BlobSend)) errors.Add("Registry:BlobSend must be SendFile, Copy or Auto");
        return errors;
    }
}
