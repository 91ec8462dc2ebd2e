using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Auth;

/// <summary>Used when authentication is explicitly disabled (<c>lamina server --no-auth</c>, loopback only).</summary>
public sealed class AllowAllAuthorizer : IRegistryAuthorizer
{
    public ValueTask<bool> AuthorizeAsync(HttpContext context, string? repository, RegistryAction action) =>
        ValueTask.FromResult(true);
}
