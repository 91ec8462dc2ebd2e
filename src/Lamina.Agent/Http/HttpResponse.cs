namespace Lamina.Agent.Http;

/// <summary>
/// A complete response: status, extra headers and a body written with Content-Length.
/// The connection adds Content-Length, Date-free framing and keep-alive handling.
/// </summary>
internal sealed class HttpResponse
{
    public HttpResponse(int status, ReadOnlyMemory<byte> body = default, string? contentType = null)
    {
        Status = status;
        Body = body;
        ContentType = contentType;
    }

    public int Status { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public string? ContentType { get; }

    /// <summary>Extra headers; null when there are none (the common case allocates no list).</summary>
    public List<KeyValuePair<string, string>>? Headers { get; private set; }

    /// <summary>
    /// Set for a body produced while it is sent (chunked): called with a function that writes one chunk to the
    /// peer at once. <see cref="Body"/> is then ignored. An exception it throws ends the connection.
    /// </summary>
    public Func<Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>, CancellationToken, Task>? BodyWriter { get; init; }

    /// <summary>When true the connection is closed after this response.</summary>
    public bool CloseConnection { get; init; }

    /// <summary>
    /// Called once the response has been written to the peer's socket (or writing it failed): for what must not start
    /// before the peer can have its answer — the control channel's shutdown, which closes every connection.
    /// </summary>
    public Action? AfterSent { get; init; }

    /// <summary>Adds a header unless <paramref name="value"/> is null or empty.</summary>
    public HttpResponse With(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            (Headers ??= []).Add(new(name, value));
        }
        return this;
    }

    /// <summary>A JSON response.</summary>
    public static HttpResponse Json(int status, ReadOnlyMemory<byte> json) => new(status, json, "application/json");

    /// <summary>The standard reason phrase for the statuses this server sends.</summary>
    public static string Reason(int status) => status switch
    {
        100 => "Continue",
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Request Entity Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };
}
