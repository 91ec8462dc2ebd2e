using System.Text.Json.Serialization;

namespace Lamina.Images.Snapshots;

/// <summary>snapshot.json: what a committed snapshot holds, for inspection and accounting.</summary>
public sealed record SnapshotInfo(string DiffId, long UncompressedBytes, long Entries, DateTimeOffset CreatedAt);

/// <summary>refs.json: every image the store knows, keyed by manifest digest.</summary>
public sealed record RefFile(Dictionary<string, ImageRef> Images);

/// <summary>One image's use of snapshots: its reference as pulled, config digest and layer diff_ids, lowest first.</summary>
public sealed record ImageRef(string Reference, string Config, IReadOnlyList<string> Layers, DateTimeOffset PulledAt);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SnapshotInfo))]
[JsonSerializable(typeof(RefFile))]
internal sealed partial class RefJson : JsonSerializerContext;
