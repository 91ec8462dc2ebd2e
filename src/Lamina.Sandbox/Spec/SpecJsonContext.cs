using System.Text.Json.Serialization;

namespace Lamina.Sandbox.Spec;

/// <summary>Source-generated serializer for config.json (no reflection, AOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RuntimeSpec))]
[JsonSerializable(typeof(RuncState))]
[JsonSerializable(typeof(List<RuncState>))]
internal sealed partial class SpecJsonContext : JsonSerializerContext;
