using Lamina.Oci;

namespace Lamina.Fuzz.Targets;

/// <summary>
/// <see cref="ImageManifest.TryParse"/>, the registry's and the puller's view of a manifest or index. The first
/// byte picks the Content-Type it arrives with (none, OCI manifest, OCI index, Docker v2, application/json);
/// the rest is the document. Expected failure: false with a message. Invariant: what parses references only
/// digests that print and re-parse the same (they become blob file names).
/// </summary>
internal sealed class ManifestTarget : IFuzzTarget
{
    private static readonly string?[] ContentTypes = [null, MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, "application/json"];

    public string Name => "manifest";

    public string Run(byte[] input)
    {
        var contentType = input.Length == 0 ? null : ContentTypes[input[0] % ContentTypes.Length];
        var body = input.AsSpan(Math.Min(1, input.Length));
        if (!ImageManifest.TryParse(body, contentType, out var manifest, out var error))
        {
            return string.IsNullOrEmpty(error) ? throw new FuzzFinding("refused without a message") : $"refused: {error}";
        }
        if (manifest is null || string.IsNullOrEmpty(manifest.MediaType))
        {
            throw new FuzzFinding("accepted without a manifest or a media type");
        }
        foreach (var d in manifest.BlobReferences)
        {
            if (!Digest.TryParse(d.Digest.ToString(), out var again) || again != d.Digest || d.Size < 0)
            {
                throw new FuzzFinding($"accepted a reference to '{d.Digest}' of size {d.Size}");
            }
        }
        return $"accepted {manifest.MediaType} with {manifest.BlobReferences.Count()} blob reference(s)";
    }
}
