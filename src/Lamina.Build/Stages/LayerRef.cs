using Lamina.Build.Layers;

namespace Lamina.Build.Stages;

/// <summary>A layer of a stage: the blob (in the build's blob store) with its media type, and when it was made.</summary>
internal sealed record LayerRef(LayerBlob Blob, string MediaType, DateTimeOffset Created);
