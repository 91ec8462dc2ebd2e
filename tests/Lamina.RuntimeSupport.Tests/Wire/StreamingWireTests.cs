using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Lamina.RuntimeSupport.Tests.Fixtures;

namespace Lamina.RuntimeSupport.Tests.Wire;

/// <summary>
/// The NativeAOT sample's streaming handler against a Runtime API played by the test over raw sockets,
/// so the bytes on the wire are visible (lamina-init buffers a streamed body before answering):
/// the mode header, chunked framing with one chunk per write, and the error trailers.
/// </summary>
public sealed class StreamingWireTests
{
    [Theory]
    [InlineData("""{"chunks":3}""", 3, null)]
    [InlineData("""{"chunks":3,"failAfter":1}""", 1, "InvalidOperationException")]
    public async Task Each_write_is_one_chunk_and_a_failure_midway_goes_in_the_trailers(string evt, int expectedChunks, string? errorType)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var info = new ProcessStartInfo(AotSample.Path, "stream") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        using var runtime = Process.Start(info)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            // Connection 1 (HttpClient): GET next → the event.
            using var client = await listener.AcceptTcpClientAsync(timeout.Token);
            var api = new RawHttp(client.GetStream());
            var (next, _) = await api.ReadHeadAsync();
            Assert.Equal("GET /2018-06-01/runtime/invocation/next HTTP/1.1", next);
            var deadline = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            await api.WriteAsync("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: req-1\r\nLambda-Runtime-Invocation-Id: inv-1\r\n" +
                $"Lambda-Runtime-Deadline-Ms: {deadline}\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:f\r\n" +
                $"Lambda-Runtime-Trace-Id: Root=1-0-0\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(evt)}\r\n\r\n{evt}");

            // Connection 2: the streamed response, written by hand by the runtime.
            using var streamed = await listener.AcceptTcpClientAsync(timeout.Token);
            var wire = new RawHttp(streamed.GetStream());
            var (line, headers) = await wire.ReadHeadAsync();
            Assert.Equal("POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1", line);
            Assert.Equal("streaming", headers["lambda-runtime-function-response-mode"]);
            Assert.Equal("chunked", headers["transfer-encoding"]);
            Assert.Equal("inv-1", headers["lambda-runtime-invocation-id"]);
            Assert.Equal("text/plain", headers["content-type"]);
            Assert.Contains("Lambda-Runtime-Function-Error-Body", headers["trailer"], StringComparison.Ordinal);
            var (chunks, trailers) = await wire.ReadChunkedAsync();
            Assert.Equal(Enumerable.Range(0, expectedChunks).Select(i => $"chunk {i}\n"), chunks);
            if (errorType is null)
            {
                Assert.Empty(trailers);
            }
            else
            {
                Assert.Equal(errorType, trailers["lambda-runtime-function-error-type"]);
                var error = JsonDocument.Parse(Convert.FromBase64String(trailers["lambda-runtime-function-error-body"])).RootElement;
                Assert.Equal(errorType, error.GetProperty("errorType").GetString());
                Assert.Equal("failed after 1 chunks", error.GetProperty("errorMessage").GetString());
            }
            await wire.WriteAsync("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}");

            // The runtime goes back to GET next on its keep-alive connection.
            Assert.Equal("GET /2018-06-01/runtime/invocation/next HTTP/1.1", (await api.ReadHeadAsync()).Line);
        }
        finally
        {
            runtime.Kill(entireProcessTree: true);
            await runtime.WaitForExitAsync();
        }
    }
}
