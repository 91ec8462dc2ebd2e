using System.Globalization;
using System.Text;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>
/// HTTP/1.1 requests written by hand on one kept-alive stream, responses read by Content-Length, so a test sees
/// exactly what the server put on the wire (which connection, which headers) and a held-back answer times out.
/// </summary>
internal sealed class RawHttpConnection(Stream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public sealed record Response(string Head, long ContentLength, byte[] Body);

    /// <summary>Sends <paramref name="request"/> and reads one response (no body for HEAD: <paramref name="bodyExpected"/> false).</summary>
    public async Task<Response> SendAsync(string request, CancellationToken ct, bool bodyExpected = true)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        var head = await ReadHeadAsync(ct);
        var length = 0L;
        foreach (var line in head.Split("\r\n"))
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                length = long.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        var body = new byte[bodyExpected ? length : 0];
        var filled = 0;
        while (filled < body.Length)
        {
            if (_start == _end) await FillAsync(ct);
            var n = Math.Min(body.Length - filled, _end - _start);
            Array.Copy(_buffer, _start, body, filled, n);
            _start += n;
            filled += n;
        }
        return new Response(head, length, body);
    }

    private async Task<string> ReadHeadAsync(CancellationToken ct)
    {
        var head = new StringBuilder();
        while (true)
        {
            if (_start == _end) await FillAsync(ct);
            head.Append((char)_buffer[_start++]);
            if (head.Length >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
                return head.ToString(0, head.Length - 4);
        }
    }

    private async Task FillAsync(CancellationToken ct)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, ct);
        if (_end == 0) throw new EndOfStreamException("the server closed the connection before the response was complete");
    }
}
