namespace Lamina.Agent.Http;

/// <summary>
/// One parsed HTTP/1.1 request with its whole body in memory. Header names keep the client's
/// spelling; lookups are case-insensitive. The body array is owned by the request and may be
/// handed on (to the runtime, to the invoker) without copying.
/// </summary>
internal sealed class HttpRequest
{
    public required string Method { get; init; }

    /// <summary>The request target without the query string.</summary>
    public required string Path { get; init; }

    /// <summary>The query string without the leading '?', or empty.</summary>
    public string Query { get; init; } = "";

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>Trailer fields of a chunked body (response streaming puts its error there).</summary>
    public List<KeyValuePair<string, string>> Trailers { get; } = [];

    /// <summary>True for an HTTP/1.0 request (closed after the response unless it asked for keep-alive).</summary>
    public bool Http10 { get; init; }

    public byte[] Body { get; set; } = [];

    /// <summary>Set instead of <see cref="Body"/> when the handler asked for the body as it arrives
    /// (<see cref="IHttpHandler.StreamsBody"/>).</summary>
    public StreamedBody? StreamedBody { get; set; }

    /// <summary>True when the body exceeded the server's limit; <see cref="Body"/> is then empty
    /// and the handler answers with its own 413 error.</summary>
    public bool BodyTooLarge { get; set; }

    /// <summary>The first value of a header, or null.</summary>
    public string? Header(string name) => Find(Headers, name);

    /// <summary>The first value of a trailer field, or null.</summary>
    public string? Trailer(string name) => Find(Trailers, name);

    private static string? Find(List<KeyValuePair<string, string>> fields, string name)
    {
        foreach (var field in fields)
        {
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return field.Value;
            }
        }
        return null;
    }
}
