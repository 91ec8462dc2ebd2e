using System.Text.Json.Serialization;
using CSharpHello;

namespace CSharpAot;

/// <summary>Source-generated JSON for the handlers' types (no reflection under NativeAOT).</summary>
// Property names as declared and read case-insensitively: what the managed (reflection) mode does too.
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(HelloRequest))]
[JsonSerializable(typeof(HelloResponse))]
[JsonSerializable(typeof(StreamRequest))]
internal sealed partial class AppJson : JsonSerializerContext;
