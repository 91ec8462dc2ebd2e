namespace Lamina.Oci;

/// <summary>An OCI content descriptor: what a manifest says about a piece of content it references.</summary>
public sealed record Descriptor(
    string MediaType,
    Digest Digest,
    long Size,
    string? ArtifactType = null,
    Platform? Platform = null,
    IReadOnlyDictionary<string, string>? Annotations = null);

/// <summary>The platform of an index entry.</summary>
public sealed record Platform(string Architecture, string Os, string? Variant = null);
