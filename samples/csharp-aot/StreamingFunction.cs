using System.Text;
using System.Text.Json;
using Lamina.RuntimeSupport;

namespace CSharpAot;

/// <summary>A response-streaming handler: writes "chunk i" lines one write each, optionally failing midway.</summary>
internal static class StreamingFunction
{
    public static async Task HandleAsync(Stream input, Stream response, ILambdaContext context)
    {
        var request = JsonSerializer.Deserialize(input, AppJson.Default.StreamRequest)
            ?? throw new ArgumentException("the event must be a JSON object");
        for (var i = 0; i < request.Chunks; i++)
        {
            if (request.FailAfter == i)
                throw new InvalidOperationException($"failed after {i} chunks");
            await response.WriteAsync(Encoding.UTF8.GetBytes($"chunk {i}\n"));
            if (request.DelayMs > 0) await Task.Delay(request.DelayMs);
        }
        context.Logger.LogInformation($"streamed {request.Chunks} chunks");
    }
}
