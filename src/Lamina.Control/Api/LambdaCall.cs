using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Lamina.Control.Api;

/// <summary>One authenticated Lambda API request: its route values, query, headers and body (already read and bounded).</summary>
public sealed class LambdaCall(HttpContext context, byte[] body, string requestId)
{
    public HttpContext Context => context;

    public byte[] Body => body;

    public string RequestId => requestId;

    /// <summary>A route value, URL-decoded.</summary>
    public string Route(string name) => context.Request.RouteValues[name]?.ToString() ?? "";

    /// <summary>A query-string parameter, or null when absent.</summary>
    public string? Query(string name) => context.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public IReadOnlyList<string> QueryAll(string name) =>
        context.Request.Query.TryGetValue(name, out var v) ? v.Select(s => s ?? "").ToArray() : [];

    public string? Header(string name) => context.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>The body as a JSON object (empty body: empty object), or null with <paramref name="error"/> set.</summary>
    public JsonInput? JsonBody(out Domain.LambdaError? error)
    {
        error = null;
        if (body.Length == 0) return new JsonInput([]);
        try
        {
            // Duplicate names are refused here: JsonObject would throw on first lookup (found by the HTTP fuzz loop, a 500).
            if (JsonNode.Parse(body, documentOptions: new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false }) is JsonObject o)
                return new JsonInput(o);
            error = new Domain.LambdaError(Domain.LambdaErrorType.InvalidRequestContent, "Could not parse request body into json: the body must be a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            error = new Domain.LambdaError(Domain.LambdaErrorType.InvalidRequestContent, "Could not parse request body into json: " + e.Message);
        }
        return null;
    }
}
