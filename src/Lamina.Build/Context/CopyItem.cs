using Lamina.Build.Layers;

namespace Lamina.Build.Context;

/// <summary>One path a COPY writes: where it lands in the image (relative, no leading '/') and where it comes from on the host.</summary>
internal sealed record CopyItem(string Destination, string Source, FileStatus Status);
