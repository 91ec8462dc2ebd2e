namespace Lamina.Agent.Http;

/// <summary>The peer broke HTTP/1.1 framing; the connection answers 400 (or 431) once and closes.</summary>
internal sealed class HttpProtocolException(string message, int status = 400) : Exception(message)
{
    /// <summary>The status to answer with before closing.</summary>
    public int Status { get; } = status;
}
