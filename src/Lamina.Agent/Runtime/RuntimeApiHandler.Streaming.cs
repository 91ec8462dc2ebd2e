using Lamina.Agent.Http;

namespace Lamina.Agent.Runtime;

internal sealed partial class RuntimeApiHandler
{
    /// <summary>
    /// A streamed response: each piece goes to the invocation's <see cref="ResponseSink"/> as it arrives
    /// (InvokeWithResponseStream), or is collected into one body up to the buffered limit (a plain Invoke of a
    /// streaming function, as Lambda answers it). A failure midway arrives in the trailers
    /// Lambda-Runtime-Function-Error-Type / -Body (base64); the answer is given when the body ends.
    /// </summary>
    private async ValueTask<HttpResponse> StreamedResponseAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var refusal = channel().Streaming(id, InvocationIdOf(request), out var invocation);
        if (refusal != RuntimeApiError.None)
        {
            return Refuse(refusal);
        }
        var sink = invocation!.Sink;
        sink?.Start();
        var collected = sink is null ? new MemoryStream() : null;
        var tooLarge = false;
        try
        {
            while (await request.StreamedBody!.ReadAsync(cancellationToken) is { } piece)
            {
                if (sink is not null)
                {
                    await sink.WriteAsync(piece, cancellationToken);
                }
                else if (!tooLarge && collected!.Length + piece.Length <= MaxResponseBytes)
                {
                    collected.Write(piece);
                }
                else
                {
                    tooLarge = true;
                }
            }
        }
        catch (Http.HttpProtocolException)
        {
            // The runtime broke the framing or died midway: the invoker sees its exit or the deadline.
            return new HttpResponse(400) { CloseConnection = true };
        }
        InvocationResult result;
        if (request.Trailer("Lambda-Runtime-Function-Error-Type") is { } streamedType)
        {
            var body = DecodeBase64(request.Trailer("Lambda-Runtime-Function-Error-Body")) ?? ErrorJson.Create(RuntimeErrorTypes.Normalise(streamedType), "");
            result = new InvocationResult(body, RuntimeErrorTypes.Normalise(streamedType));
        }
        else if (tooLarge)
        {
            result = new InvocationResult(
                ErrorJson.Create("Function.ResponseSizeTooLarge", $"Response payload size exceeded maximum allowed payload size ({MaxResponseBytes} bytes)."),
                "Function.ResponseSizeTooLarge");
        }
        else
        {
            result = new InvocationResult(collected?.ToArray() ?? []);
        }
        return Done(channel().Answer(id, result, InvocationIdOf(request)));
    }
}
