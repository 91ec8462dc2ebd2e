using System.Net;
using Lamina.RuntimeSupport.Tests.Fixtures;

namespace Lamina.RuntimeSupport.Tests.Emulator;

/// <summary>The NativeAOT sample's streaming handler: a chunked streaming response, errors before and after the first byte.</summary>
public sealed class StreamingTests
{
    [Fact]
    public async Task Every_chunk_arrives_in_order_and_the_runtime_serves_on()
    {
        await using var agent = await Runtime.StartAsync("aot", "stream");
        for (var round = 0; round < 2; round++)
        {
            using var response = await agent.InvokeAsync("""{"chunks":5,"delayMs":20}""");
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("X-Amz-Function-Error"), text);
            Assert.Equal(string.Concat(Enumerable.Range(0, 5).Select(i => $"chunk {i}\n")), text);
        }
        await agent.WaitForStdoutAsync(l => l.EndsWith("\tstreamed 5 chunks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_error_midway_travels_in_the_trailers()
    {
        await using var agent = await Runtime.StartAsync("aot", "stream");
        using var response = await agent.InvokeAsync("""{"chunks":5,"failAfter":2}""");
        var error = await Json.ReadAsync(response);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("InvalidOperationException", error.Str("errorType"));
        Assert.Equal("failed after 2 chunks", error.Str("errorMessage"));

        using var ok = await agent.InvokeAsync("""{"chunks":1}""");
        Assert.Equal("chunk 0\n", await ok.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_error_before_the_first_byte_is_an_ordinary_error()
    {
        await using var agent = await Runtime.StartAsync("aot", "stream");
        using var response = await agent.InvokeAsync("""{"chunks":3,"failAfter":0}""");
        var error = await Json.ReadAsync(response);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("InvalidOperationException", error.Str("errorType"));
        Assert.Equal("failed after 0 chunks", error.Str("errorMessage"));
    }
}
