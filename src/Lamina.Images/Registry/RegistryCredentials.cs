namespace Lamina.Images.Registry;

/// <summary>A user name and password (or token) for a registry; sent as Basic auth, or to a token realm.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    public override string ToString() => $"{Username}:***";
}

/// <summary>How the registry client reaches registries.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>Credentials for a registry host (as written in references, e.g. "127.0.0.1:5000"), or null for anonymous.</summary>
    public Func<string, RegistryCredentials?>? Credentials { get; init; }

    /// <summary>Hosts spoken to over plain HTTP besides loopback ones (localhost, 127.0.0.0/8, [::1]), which always are.</summary>
    public IReadOnlyCollection<string> InsecureRegistries { get; init; } = [];

    /// <summary>Hosts spoken to over HTTPS even when they are loopback ones (a TLS registry on 127.0.0.1).</summary>
    public IReadOnlyCollection<string> SecureRegistries { get; init; } = [];

    /// <summary>Certificates trusted as roots besides the system's (a private CA, a self-signed registry); null or empty: the system's only.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TrustedCertificates { get; init; }

    /// <summary>Per request (headers); blob bodies stream without a total timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Test and advanced hook: the handler under the client's HttpClient.</summary>
    public HttpMessageHandler? Handler { get; init; }
}
