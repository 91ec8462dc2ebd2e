using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Lamina.Images.Registry;

/// <summary>
/// TLS trust for registries: the system's roots, plus the certificates of <see cref="RegistryClientOptions.TrustedCertificates"/>
/// (a private CA, a self-signed registry). The host name is always checked; a chain the extra roots do not anchor
/// is refused as before. Intermediates the registry sends in the handshake (leaf + intermediate, the usual shape
/// of a private CA's server chain) are used to build the path to an extra root; they are never trusted as roots.
/// </summary>
internal static class RegistryTls
{
    /// <summary>The handler the client uses when none is given: no decompression, the extra roots when there are some.</summary>
    public static SocketsHttpHandler Handler(X509Certificate2Collection? extraRoots)
    {
        var handler = new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None };
        if (extraRoots is { Count: > 0 })
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(certificate, chain, errors, extraRoots);
        return handler;
    }

    /// <summary>
    /// True when the system accepted the certificate, or when only the chain failed and a path from the leaf to one
    /// of <paramref name="roots"/> exists through the certificates the registry sent (<paramref name="handshake"/>:
    /// its ExtraStore holds them, its elements what the system could build).
    /// </summary>
    private static bool Validate(X509Certificate? certificate, X509Chain? handshake, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None) return true;
        // A wrong host name or no certificate at all is never excused; only an untrusted chain may be, by the extra roots.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (handshake is not null)
        {
            // Candidates for the path only: CustomRootTrust anchors it in the configured roots and nowhere else.
            chain.ChainPolicy.ExtraStore.AddRange(handshake.ChainPolicy.ExtraStore);
            foreach (var element in handshake.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    /// <summary>A message for a failed TLS handshake that says what to do, or null when <paramref name="e"/> is not one.</summary>
    public static string? Explain(Exception e, string registry)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
                return $"the TLS certificate of registry {registry} is not trusted ({inner.Message}); add its CA certificate " +
                    "(PEM) to Registries:CaFile, or list the host in Registries:Insecure to use plain HTTP";
        }
        return null;
    }
}
