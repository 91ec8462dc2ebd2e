using System.Buffers.Binary;

namespace Lamina.Environments;

internal sealed partial class ControlClient
{
    private const string FramesType = "application/vnd.lamina.frames";

    /// <summary>
    /// The Invoke API with <c>Lamina-Response-Stream: 1</c> (docs/agent-protocol.md): each piece of the response
    /// goes to <paramref name="onPiece"/> as the agent passes it on. The result's payload is the error body when
    /// the function failed, else empty (the pieces were the response). A refusal before the invoke started
    /// (a non-frames answer) comes back whole as the result, as <see cref="InvokeAsync"/> gives it.
    /// </summary>
    public async Task<InvokeResult> InvokeStreamingAsync(string functionName, ReadOnlyMemory<byte> payload, string? requestId,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> onPiece, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post,
            new Uri($"2015-03-31/functions/{Uri.EscapeDataString(functionName)}/invocations", UriKind.Relative))
        {
            Content = new ReadOnlyMemoryContent(payload),
        };
        if (requestId is not null) request.Headers.TryAddWithoutValidation("Lamina-Request-Id", requestId);
        request.Headers.TryAddWithoutValidation("Lamina-Response-Stream", "1");
        using var r = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var id = r.Headers.TryGetValues("X-Amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        if (r.Content.Headers.ContentType?.MediaType != FramesType)
        {
            var error = r.Headers.TryGetValues("X-Amz-Function-Error", out var v) ? v.FirstOrDefault() : null;
            return new InvokeResult((int)r.StatusCode, await r.Content.ReadAsByteArrayAsync(ct), error, id);
        }
        await using var body = await r.Content.ReadAsStreamAsync(ct);
        var head = new byte[5];
        while (true)
        {
            await body.ReadExactlyAsync(head, ct);
            var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(1))];
            await body.ReadExactlyAsync(frame, ct);
            switch ((char)head[0])
            {
                case 'D':
                    await onPiece(frame, ct);
                    break;
                case 'R' when frame.Length >= 3:
                    var failed = (frame[2] & 1) != 0;
                    return new InvokeResult(BinaryPrimitives.ReadUInt16BigEndian(frame), frame[3..], failed ? "Unhandled" : null, id);
                default:
                    throw new IOException($"unexpected frame '{(char)head[0]}' from the agent");
            }
        }
    }
}
