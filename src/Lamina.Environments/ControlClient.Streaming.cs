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
        using var request = InvokeRequest(functionName, payload, requestId);
        request.Headers.TryAddWithoutValidation("Lamina-Response-Stream", "1");
        using var r = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (r.Content.Headers.ContentType?.MediaType != FramesType) return await WholeAnswerAsync(r, ct);
        await using var body = await r.Content.ReadAsStreamAsync(ct);
        var head = new byte[5];
        while (true)
        {
            await body.ReadExactlyAsync(head, ct);
            var length = BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(1));
            // Whatever answers on the socket lives in the sandbox: a length is checked before it sizes a buffer.
            if (length is < 0 or > MaxAnswerBytes) throw new IOException($"frame of {length} bytes from the agent");
            var frame = new byte[length];
            await body.ReadExactlyAsync(frame, ct);
            switch ((char)head[0])
            {
                case 'D':
                    await onPiece(frame, ct);
                    break;
                case 'R' when frame.Length >= 3:
                    var failed = (frame[2] & 1) != 0;
                    return new InvokeResult(BinaryPrimitives.ReadUInt16BigEndian(frame), frame[3..], failed ? "Unhandled" : null, RequestIdOf(r));
                default:
                    throw new IOException($"unexpected frame '{(char)head[0]}' from the agent");
            }
        }
    }
}
