using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Auth;

/// <summary>
/// Writes the distribution spec's 401: a <c>WWW-Authenticate</c> Bearer challenge pointing at /v2/token
/// and an UNAUTHORIZED error body. The one place registry authentication failures are rendered.
/// </summary>
public static class RegistryChallenge
{
    public const string Service = "lamina";

    /// <summary>The scope a client needs for <paramref name="action"/> on <paramref name="repository"/>, or null for none.</summary>
    public static string? ScopeFor(string? repository, RegistryAction action) => (repository, action) switch
    {
        (null, _) => null,
        (_, RegistryAction.Pull) => $"repository:{repository}:pull",
        (_, RegistryAction.Push) => $"repository:{repository}:pull,push",
        (_, RegistryAction.Delete) => $"repository:{repository}:delete",
        _ => null,
    };

    public static string Realm(HttpRequest request) => $"{request.Scheme}://{request.Host}/v2/token";

    /// <param name="error">An RFC 6750 error for a presented token (<c>invalid_token</c>, <c>insufficient_scope</c>), or null.</param>
    public static async Task WriteAsync(HttpContext context, string? repository, RegistryAction action, string message, string? error = null)
    {
        var scope = ScopeFor(repository, action);
        var challenge = $"Bearer realm=\"{Realm(context.Request)}\",service=\"{Service}\"";
        if (scope is not null) challenge += $",scope=\"{scope}\"";
        if (error is not null) challenge += $",error=\"{error}\"";
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = challenge;
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        await WriteErrorAsync(context, message, repository, action);
    }

    /// <summary>Writes <c>{"errors":[{"code":"UNAUTHORIZED",…}]}</c> with the status already set.</summary>
    public static async Task WriteErrorAsync(HttpContext context, string message, string? repository = null, RegistryAction? action = null)
    {
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartArray("errors");
        writer.WriteStartObject();
        writer.WriteString("code", "UNAUTHORIZED");
        writer.WriteString("message", message);
        if (repository is not null && action is not null)
        {
            writer.WriteStartArray("detail");
            writer.WriteStartObject();
            writer.WriteString("Type", "repository");
            writer.WriteString("Name", repository);
            writer.WriteString("Action", action.Value.ToString().ToLowerInvariant());
            writer.WriteEndObject();
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
