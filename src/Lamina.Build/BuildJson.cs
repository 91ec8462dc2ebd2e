using System.Text.Json.Serialization;

namespace Lamina.Build;

/// <summary>Source-generated JSON for the few shapes the builder serializes directly.</summary>
[JsonSerializable(typeof(List<string>), TypeInfoPropertyName = "ListString")]
internal sealed partial class BuildJson : JsonSerializerContext;
