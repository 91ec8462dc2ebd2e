using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Auth;

/// <summary>
/// The registry's authorizer when authentication is on. Accepts, on every /v2/ request:
/// <list type="bullet">
/// <item>Basic with the access key pair, or with <c>AWS</c> and an ECR authorization token;</item>
/// <item>Bearer with a token from /v2/token whose scopes cover the repository and action.</item>
/// </list>
/// Anything else gets a 401 Bearer challenge that tells the client where to get a token and for which scope.
/// </summary>
public sealed class TokenAuthorizer(RegistryCredentialChecker checker, RegistryTokenService tokens) : IRegistryAuthorizer
{
    public async ValueTask<bool> AuthorizeAsync(HttpContext context, string? repository, RegistryAction action)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var verified = tokens.Verify(header[7..].Trim());
            if (!verified.IsValid)
            {
                await RegistryChallenge.WriteAsync(context, repository, action, verified.Error!, "invalid_token");
                return false;
            }
            if (Allows(verified.Claims!.Access, repository, action)) return true;
            await RegistryChallenge.WriteAsync(context, repository, action, "the token does not grant this action", "insufficient_scope");
            return false;
        }
        var basic = BasicCredentials.Parse(header);
        if (basic is null)
        {
            await RegistryChallenge.WriteAsync(context, repository, action, "authentication required");
            return false;
        }
        var (access, error) = checker.Check(basic.Value);
        if (access is not null && Allows(access, repository, action)) return true;
        await RegistryChallenge.WriteAsync(context, repository, action, error ?? "the credentials do not grant this action");
        return false;
    }

    /// <summary>
    /// A repository action needs a matching grant. Requests without a repository (the /v2/ check, the catalog)
    /// only need a valid identity: there is one user, so any valid token proves it.
    /// </summary>
    private static bool Allows(IReadOnlyList<TokenAccess> access, string? repository, RegistryAction action)
    {
        if (repository is null || action == RegistryAction.Catalog) return true;
        var verb = action switch
        {
            RegistryAction.Pull => "pull",
            RegistryAction.Push => "push",
            _ => "delete",
        };
        return access.Any(a => a.Allows("repository", repository, verb));
    }
}
