using System.Buffers;
using System.Globalization;

namespace Lamina.Agent.Http;

/// <summary>Writes a response whose body is produced while it is sent (<see cref="HttpResponse.BodyWriter"/>)
/// with chunked transfer coding: each piece goes to the socket as one chunk at once, without buffering.</summary>
internal static class ChunkedResponse
{
    public static async ValueTask WriteAsync(Stream stream, HttpResponse response, bool close, CancellationToken cancellationToken)
    {
        var head = ArrayPool<byte>.Shared.Rent(HttpConnection.HeadLength(response));
        try
        {
            var written = HttpConnection.WriteHead(head, response, close);
            await stream.WriteAsync(head.AsMemory(0, written), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
        await response.BodyWriter!(async (chunk, ct) =>
        {
            if (chunk.Length == 0)
            {
                return; // a zero-size chunk would end the body
            }
            var size = System.Text.Encoding.ASCII.GetBytes(chunk.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
            await stream.WriteAsync(size, ct);
            await stream.WriteAsync(chunk, ct);
            await stream.WriteAsync("\r\n"u8.ToArray(), ct);
        }, cancellationToken);
        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
    }
}
