using Lamina.Agent.Http;
using HttpProtocolException = Lamina.Agent.Http.HttpProtocolException;

namespace Lamina.Fuzz.Targets;

/// <summary>
/// lamina-init's HTTP/1.1 request parser, driven the way <c>HttpConnection</c> drives it: requests read one
/// after another from the same bytes (keep-alive), each head, then the body buffered or streamed piece by
/// piece (a streamed /response). Expected failure: <see cref="HttpProtocolException"/> (the connection
/// answers 400/413/431 and closes). Small limits so that the too-large paths are reachable from small inputs.
/// </summary>
internal sealed class AgentHttpTarget : IFuzzTarget
{
    private static readonly HttpLimits Limits = new(MaxBodyBytes: 512, MaxDrainBytes: 4096, MaxLineBytes: 256, MaxHeaderCount: 16);

    public string Name => "agent-http";

    public string Run(byte[] input) => RunAsync(input).GetAwaiter().GetResult();

    private static async Task<string> RunAsync(byte[] input)
    {
        using var reader = new HttpReader(new MemoryStream(input, writable: false), Limits.MaxLineBytes);
        var served = 0;
        try
        {
            while (await HttpRequestParser.ReadHeadAsync(reader, Limits, CancellationToken.None) is { } request)
            {
                var length = HttpRequestParser.ContentLength(request, Limits);
                var chunked = HttpRequestParser.IsChunked(request);
                if (request.Method == "POST" && request.Path.EndsWith("/response", StringComparison.Ordinal))
                {
                    request.StreamedBody = new StreamedBody(reader, request, Limits);
                    long streamed = 0;
                    while (await request.StreamedBody.ReadAsync(CancellationToken.None) is { } piece)
                    {
                        streamed += piece.Length;
                    }
                    Check(chunked || streamed == length, $"streamed {streamed} bytes of a Content-Length {length} body");
                }
                else
                {
                    await HttpRequestParser.ReadBodyAsync(reader, request, Limits, CancellationToken.None);
                    Check(request.BodyTooLarge || request.Body.Length <= Limits.MaxBodyBytes, $"a {request.Body.Length}-byte body passed the {Limits.MaxBodyBytes}-byte limit");
                    Check(chunked || request.BodyTooLarge || request.Body.Length == length, $"read {request.Body.Length} bytes of a Content-Length {length} body");
                }
                Check(request.Headers.Count <= Limits.MaxHeaderCount && request.Trailers.Count <= Limits.MaxHeaderCount, "more header fields than the limit");
                served++;
            }
            return $"accepted {served} request(s)";
        }
        catch (HttpProtocolException e)
        {
            return $"refused after {served} request(s): {e.Status} {e.Message}";
        }
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzFinding(message);
        }
    }
}
