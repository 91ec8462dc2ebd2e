using System.Text;
using Lamina.Agent.Http;
using HttpProtocolException = Lamina.Agent.Http.HttpProtocolException;

namespace Lamina.Agent.Tests.Http;

/// <summary>The head parser that reads lines straight from the reader's buffer, fed one byte per read so every line
/// is split across fills.</summary>
public sealed class HeadLinesTests
{
    private static readonly HttpLimits Limits = new(1024, MaxDrainBytes: 4096, MaxLineBytes: 64, MaxHeaderCount: 4);

    /// <summary>A stream that returns at most one byte per read.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }

    private static async Task<HttpRequest?> ParseAsync(string head)
    {
        using var reader = new HttpReader(new TrickleStream(Encoding.Latin1.GetBytes(head)), Limits.MaxLineBytes);
        return await HttpRequestParser.ReadHeadAsync(reader, Limits, CancellationToken.None);
    }

    [Fact]
    public async Task A_head_split_across_reads_keeps_spellings_query_and_latin1_values()
    {
        var request = await ParseAsync("\r\nPOST /2015-03-31/functions/f/invocations?a=b HTTP/1.0\r\ncontent-length:  3 \r\nX-Odd-Name: caf\u00e9\r\nHost: h\r\n\r\n");

        Assert.NotNull(request);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/2015-03-31/functions/f/invocations", request.Path);
        Assert.Equal("a=b", request.Query);
        Assert.True(request.Http10);
        Assert.Equal(["content-length", "X-Odd-Name", "Host"], request.Headers.Select(h => h.Key));
        Assert.Equal("3", request.Header("Content-Length"));
        Assert.Equal("caf\u00e9", request.Header("x-odd-name"));
        Assert.Equal("h", request.Header("host"));
    }

    [Fact]
    public async Task A_clean_end_before_any_byte_is_no_request()
    {
        Assert.Null(await ParseAsync(""));
        Assert.Null(await ParseAsync("\r\n\r\n"));
    }

    [Theory]
    [InlineData("GET /x HTTP/1.1", "connection closed in the middle of a line")]
    [InlineData("GET /x HTTP/1.1\r\nHost: h\r\n", "connection closed in the header section")]
    [InlineData("GET /x HTTP/1.1\r\nHost: h", "connection closed in the middle of a line")]
    [InlineData("GET  /x HTTP/1.1\r\n\r\n", "malformed request line")]
    [InlineData("GET /x HTTP/1.1 extra\r\n\r\n", "malformed request line")]
    [InlineData("GET /x\r\n\r\n", "malformed request line")]
    [InlineData("GET /x HTTP/2\r\n\r\n", "malformed request line")]
    [InlineData(" GET /x HTTP/1.1\r\n\r\n", "malformed request line")]
    [InlineData("GET /x HTTP/1.1\r\nName : v\r\n\r\n", "malformed header field")]
    [InlineData("GET /x HTTP/1.1\r\n folded: v\r\n\r\n", "malformed header field")]
    [InlineData("GET /x HTTP/1.1\r\n: v\r\n\r\n", "malformed header field")]
    [InlineData("GET /x HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", "too many header fields")]
    public async Task Bad_heads_are_refused_with_a_clear_error(string head, string message)
    {
        var error = await Assert.ThrowsAsync<HttpProtocolException>(() => ParseAsync(head));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("GET /x HTTP/1.1\r\nX-Long: 0123456789012345678901234567890123456789012345678901234567890123456789\r\n\r\n")]
    [InlineData("GET /x HTTP/1.1\r\nX-Long: 0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task A_line_over_the_limit_is_431_whether_or_not_its_end_arrived(string head)
    {
        var error = await Assert.ThrowsAsync<HttpProtocolException>(() => ParseAsync(head));

        Assert.Equal(431, error.Status);
    }
}
