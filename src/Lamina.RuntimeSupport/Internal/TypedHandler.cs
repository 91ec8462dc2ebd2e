using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// A handler over source-generated JSON types: the event deserialised with <c>input</c>, the result
/// serialised with <c>output</c> into a buffer reused across invocations (no reflection, so NativeAOT works).
/// </summary>
internal sealed class TypedHandler<TIn, TOut>(Func<TIn, ILambdaContext, Task<TOut>> handler, JsonTypeInfo<TIn> input, JsonTypeInfo<TOut> output) : IInvocationHandler
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public async Task HandleAsync(InvocationRequest request, ILambdaContext context, RuntimeApiClient api, CancellationToken cancellationToken)
    {
        var value = JsonSerializer.Deserialize(request.Body, input)!;
        var result = await handler(value, context);
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer))
            JsonSerializer.Serialize(writer, result, output);
        using var content = new ReadOnlyMemoryContent(_buffer.WrittenMemory);
        content.Headers.ContentType = Json;
        await api.PostResponseAsync(request, content, cancellationToken);
    }
}
