using System.Buffers.Binary;
using Lamina.Agent.Emulator;
using Lamina.Agent.Http;
using Lamina.Agent.Runtime;

namespace Lamina.Agent.Control;

/// <summary>
/// An invoke whose answer the host wants as the runtime writes it (<c>Lamina-Response-Stream: 1</c> on the invoke
/// route; docs/agent-protocol.md). The answer is 200 at once with a chunked body of frames:
/// <code>
/// frame  = kind (1 byte) · length (4 bytes, big-endian) · payload
/// 'D'    a piece of the response, as the runtime wrote it (a buffered answer is one 'D' frame)
/// 'R'    the end: status (2 bytes, big-endian) · flags (1 byte, bit 0 = function error) · error body
/// </code>
/// </summary>
internal static class StreamedInvoke
{
    public const string RequestHeader = "Lamina-Response-Stream";

    public static HttpResponse Start(InvokeApiHandler invokes, EnvironmentPool environments, HttpRequest request, CancellationToken cancellationToken)
    {
        var sink = new ResponseSink();
        var refused = invokes.Parse(request, sink, out var invocation);
        if (refused is not null)
        {
            return refused;
        }
        var invoke = RunAsync(environments, invocation, sink, cancellationToken);
        return new HttpResponse(200, contentType: "application/vnd.lamina.frames")
        {
            BodyWriter = async (write, ct) =>
            {
                try
                {
                    await foreach (var piece in sink.Reader.ReadAllAsync(ct))
                    {
                        await write(Frame((byte)'D', piece, 0), ct);
                    }
                }
                catch
                {
                    sink.Close(); // the host went away: the runtime's further pieces are dropped
                    throw;
                }
                var outcome = await invoke;
                if (!sink.Started && !outcome.FunctionError)
                {
                    await write(Frame((byte)'D', outcome.Body, 0), ct);
                }
                var end = Frame((byte)'R', outcome.FunctionError ? outcome.Body : [], 3);
                BinaryPrimitives.WriteUInt16BigEndian(end.AsSpan(5), (ushort)outcome.Status);
                end[7] = outcome.FunctionError ? (byte)1 : (byte)0;
                await write(end, ct);
            },
        }.With("X-Amzn-RequestId", invocation.RequestId);
    }

    private static async Task<InvokeOutcome> RunAsync(EnvironmentPool environments, Invocation invocation, ResponseSink sink, CancellationToken cancellationToken)
    {
        try
        {
            return await environments.InvokeAsync(invocation, cancellationToken);
        }
        finally
        {
            sink.Close();
        }
    }

    /// <summary>A frame with <paramref name="prefix"/> bytes reserved in front of <paramref name="payload"/>.</summary>
    private static byte[] Frame(byte kind, ReadOnlySpan<byte> payload, int prefix)
    {
        var frame = new byte[5 + prefix + payload.Length];
        frame[0] = kind;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), prefix + payload.Length);
        payload.CopyTo(frame.AsSpan(5 + prefix));
        return frame;
    }
}
