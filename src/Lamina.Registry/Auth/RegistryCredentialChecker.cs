using System.Security.Cryptography;
using System.Text;
using Lamina.Aws;

namespace Lamina.Registry.Auth;

/// <summary>
/// Checks the user/password pairs the registry accepts: the server's access key id and secret access key,
/// or the user <c>AWS</c> with an ECR authorization token (what <c>aws ecr get-login-password</c> prints).
/// </summary>
public sealed class RegistryCredentialChecker(Credentials credentials, RegistryTokenService tokens)
{
    /// <summary>The ECR convention: the token's user name is always "AWS".</summary>
    public const string TokenUser = "AWS";

    /// <summary>What the credentials grant, or null with the reason they are refused.</summary>
    public (IReadOnlyList<TokenAccess>? Access, string? Error) Check(BasicCredentials basic)
    {
        if (basic.User == TokenUser)
        {
            var verified = tokens.Verify(basic.Password);
            return verified.IsValid ? (verified.Claims!.Access, null) : (null, "invalid authorization token: " + verified.Error);
        }
        // Both compared in full, in constant time, so timing tells nothing about either.
        var userOk = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(basic.User), Encoding.UTF8.GetBytes(credentials.AccessKeyId));
        var passwordOk = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(basic.Password), Encoding.UTF8.GetBytes(credentials.SecretAccessKey));
        return userOk & passwordOk ? ([TokenAccess.All], null) : (null, "invalid username or password");
    }
}
