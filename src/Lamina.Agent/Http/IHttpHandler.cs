namespace Lamina.Agent.Http;

/// <summary>Turns one request into one response. Handlers never throw for expected failures:
/// they answer with the error of their own API. An exception is a bug and closes the connection.</summary>
internal interface IHttpHandler
{
    ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken);

    /// <summary>True when this request's body should reach the handler as it arrives
    /// (<see cref="HttpRequest.StreamedBody"/>) instead of buffered; decided from the head alone.</summary>
    bool StreamsBody(HttpRequest request) => false;
}
