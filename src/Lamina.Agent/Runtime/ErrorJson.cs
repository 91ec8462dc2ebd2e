using System.Buffers;
using System.Text.Json;

namespace Lamina.Agent.Runtime;

/// <summary>The <c>{"errorMessage","errorType"}</c> bodies the platform writes itself.</summary>
internal static class ErrorJson
{
    public static byte[] Create(string errorType, string errorMessage)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", errorMessage);
            writer.WriteString("errorType", errorType);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
