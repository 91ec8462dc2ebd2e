using System.Net.Http.Headers;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>A raw handler: the event bytes in, the response bytes out (the handler owns both formats).</summary>
internal sealed class StreamHandler(Func<Stream, ILambdaContext, Task<Stream>> handler) : IInvocationHandler
{
    private static readonly MediaTypeHeaderValue Octets = new("application/octet-stream");

    public async Task HandleAsync(InvocationRequest request, ILambdaContext context, RuntimeApiClient api, CancellationToken cancellationToken)
    {
        var result = await handler(request.Body, context);
        await using var disposeResult = result;
        using HttpContent content = result is MemoryStream memory && memory.TryGetBuffer(out var bytes)
            ? new ReadOnlyMemoryContent(bytes.AsMemory((int)memory.Position))
            : new StreamContent(result ?? Stream.Null);
        content.Headers.ContentType = Octets;
        await api.PostResponseAsync(request, content, cancellationToken);
    }
}
