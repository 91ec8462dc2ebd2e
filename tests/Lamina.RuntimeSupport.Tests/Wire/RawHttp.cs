using System.Net.Sockets;
using System.Text;

namespace Lamina.RuntimeSupport.Tests.Wire;

/// <summary>Just enough HTTP/1.1 to read what a runtime sends byte for byte: lines, heads, chunked frames.</summary>
internal sealed class RawHttp(NetworkStream stream)
{
    public async Task<string> ReadLineAsync()
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0) throw new EndOfStreamException("connection closed mid-line: " + Encoding.UTF8.GetString([.. line]));
            if (one[0] == '\n') break;
            line.Add(one[0]);
        }
        if (line.Count > 0 && line[^1] == '\r') line.RemoveAt(line.Count - 1);
        return Encoding.UTF8.GetString([.. line]);
    }

    /// <summary>The request line and the header fields (names lower-cased) up to the empty line.</summary>
    public async Task<(string Line, Dictionary<string, string> Headers)> ReadHeadAsync()
    {
        var first = await ReadLineAsync();
        return (first, await ReadFieldsAsync());
    }

    /// <summary>A chunked body: each chunk's bytes as sent, then the trailer fields.</summary>
    public async Task<(List<string> Chunks, Dictionary<string, string> Trailers)> ReadChunkedAsync()
    {
        var chunks = new List<string>();
        while (true)
        {
            var size = Convert.ToInt32((await ReadLineAsync()).Split(';')[0], 16);
            if (size == 0) return (chunks, await ReadFieldsAsync());
            var data = new byte[size];
            await stream.ReadExactlyAsync(data);
            chunks.Add(Encoding.UTF8.GetString(data));
            Assert.Equal("", await ReadLineAsync());
        }
    }

    public async Task<byte[]> ReadBodyAsync(int length)
    {
        var data = new byte[length];
        await stream.ReadExactlyAsync(data);
        return data;
    }

    public Task WriteAsync(string text) => stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

    private async Task<Dictionary<string, string>> ReadFieldsAsync()
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var line = await ReadLineAsync(); line.Length > 0; line = await ReadLineAsync())
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            fields[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
        return fields;
    }
}
