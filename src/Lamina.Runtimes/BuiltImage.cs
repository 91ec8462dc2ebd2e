using Lamina.Runtimes.Layers;

namespace Lamina.Runtimes;

/// <summary>One image written to the layout: where to push it, its manifest, and its layers bottom-up.</summary>
/// <param name="Image">The catalog entry.</param>
/// <param name="Tag">Its tag (3.11, 18, 10, latest).</param>
/// <param name="RefName">Its name in the layout's index.json (python-3.11).</param>
/// <param name="ManifestDigest">The manifest digest.</param>
/// <param name="Layers">Base, runtime (when any), Lamina.</param>
public sealed record BuiltImage(RuntimeImage Image, string Tag, string RefName, string ManifestDigest, IReadOnlyList<LayerBlob> Layers)
{
    /// <summary>repository:tag, e.g. lamina/python:3.11.</summary>
    public string Reference => $"{Image.Repository}:{Tag}";
}
