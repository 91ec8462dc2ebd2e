using System.Buffers;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// A response-streaming handler: it writes to a <see cref="StreamingResponse"/>. A failure before the
/// first byte is an ordinary invocation error (rethrown to the loop); after it, the error JSON goes
/// into the trailers of the stream already under way.
/// </summary>
internal sealed class StreamingHandler(Func<Stream, Stream, ILambdaContext, Task> handler, string contentType) : IInvocationHandler
{
    private readonly ArrayBufferWriter<byte> _error = new(1024);

    public async Task HandleAsync(InvocationRequest request, ILambdaContext context, RuntimeApiClient api, CancellationToken cancellationToken)
    {
        await using var response = new StreamingResponse(api.Endpoint, request, contentType);
        string? errorType = null;
        try
        {
            await handler(request.Body, response, context);
        }
        catch (Exception e) when (response.Started)
        {
            var error = ErrorJson.Unwrap(e);
            errorType = ErrorJson.ErrorType(error);
            _error.ResetWrittenCount();
            ErrorJson.Write(error, _error);
            await Console.Error.WriteLineAsync($"{errorType}: {error.Message}");
        }
        var status = await response.CompleteAsync(errorType, _error.WrittenMemory, cancellationToken);
        if (status is not (200 or 202))
            await Console.Error.WriteLineAsync($"lamina-runtime: streamed response for {request.RequestId} answered {status}");
    }
}
