using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Auth;

/// <summary>
/// Decides whether a /v2/ request may go on. When it may not, the authorizer has already written
/// the response (401 with a WWW-Authenticate challenge, or 403 DENIED) and the handler just returns.
/// </summary>
public interface IRegistryAuthorizer
{
    /// <param name="repository">The repository the request touches, or null for /v2/ and the catalog.</param>
    ValueTask<bool> AuthorizeAsync(HttpContext context, string? repository, RegistryAction action);
}

public enum RegistryAction
{
    /// <summary>GET/HEAD of manifests, blobs, tags and referrers.</summary>
    Pull,

    /// <summary>Uploads, mounts and manifest PUT.</summary>
    Push,

    /// <summary>DELETE of manifests, tags and blobs.</summary>
    Delete,

    /// <summary>The catalog and the /v2/ version check.</summary>
    Catalog,
}
