namespace Lamina.Control.States;

/// <summary>
/// How the server reaches registries other than its own (<c>LaminaOptions.Registries</c>, <c>LAMINA__Registries__*</c>):
/// logins per host, a docker config.json to read more from, and hosts spoken to over plain HTTP. Loopback
/// hosts (localhost, 127.0.0.0/8, [::1]) use plain HTTP, as docker does, unless listed in <see cref="Secure"/>;
/// every other host uses HTTPS unless listed in <see cref="Insecure"/>. HTTPS trusts the system's roots and
/// <see cref="CaFile"/>. Passwords are never logged or rendered.
/// <code>
/// LAMINA__Registries__Hosts__0__Host=registry.example:5000
/// LAMINA__Registries__Hosts__0__Username=ci
/// LAMINA__Registries__Hosts__0__Password=…
/// LAMINA__Registries__DockerConfig=/root/.docker/config.json
/// LAMINA__Registries__Insecure__0=build-box:5000
/// LAMINA__Registries__Secure__0=127.0.0.1:5443
/// LAMINA__Registries__CaFile=/etc/lamina/registry-ca.pem
/// </code>
/// Host names are a list, not keys, because configuration keys cannot hold the ':' of host:port.
/// </summary>
public sealed class RegistriesOptions
{
    /// <summary>Explicit logins; they win over <see cref="DockerConfig"/> for the same host.</summary>
    public List<RegistryHostOptions> Hosts { get; set; } = [];

    /// <summary>A docker config.json whose <c>auths</c> entries (auth, or username and password) are read once at start.</summary>
    public string? DockerConfig { get; set; }

    /// <summary>Hosts (host or host:port, as written in image URIs) spoken to over plain HTTP.</summary>
    public List<string> Insecure { get; set; } = [];

    /// <summary>Loopback hosts (e.g. 127.0.0.1:5443) spoken to over HTTPS instead of plain HTTP: a TLS registry on this machine.</summary>
    public List<string> Secure { get; set; } = [];

    /// <summary>
    /// A PEM file of CA (or self-signed) certificates trusted for registries besides the system's roots; read at
    /// start. A registry whose certificate neither anchors is refused with a message naming this option.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>The certificates of <see cref="CaFile"/> (empty when unset); call after <see cref="Validate"/> succeeded.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection TrustedCertificates()
    {
        var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        if (!string.IsNullOrEmpty(CaFile)) roots.ImportFromPemFile(CaFile);
        return roots;
    }

    /// <summary>Every problem with this section, as messages a user can act on (no secret in them). Empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        for (var i = 0; i < Hosts.Count; i++)
        {
            var h = Hosts[i];
            if (string.IsNullOrWhiteSpace(h.Host) || h.Host.Contains('/', StringComparison.Ordinal) || h.Host.Any(char.IsWhiteSpace))
                errors.Add($"Registries:Hosts:{i}:Host '{h.Host}' must be a registry host or host:port (no scheme, no path)");
            if (string.IsNullOrEmpty(h.Username) || h.Password is null)
                errors.Add($"Registries:Hosts:{i} ({h.Host}) needs both Username and Password");
        }
        foreach (var host in Insecure)
        {
            if (string.IsNullOrWhiteSpace(host) || host.Contains('/', StringComparison.Ordinal))
                errors.Add($"Registries:Insecure entry '{host}' must be a registry host or host:port (no scheme, no path)");
        }
        foreach (var host in Secure)
        {
            if (string.IsNullOrWhiteSpace(host) || host.Contains('/', StringComparison.Ordinal))
                errors.Add($"Registries:Secure entry '{host}' must be a registry host or host:port (no scheme, no path)");
            else if (Insecure.Contains(host, StringComparer.OrdinalIgnoreCase))
                errors.Add($"Registries:Secure entry '{host}' is also in Registries:Insecure: choose one");
        }
        if (!string.IsNullOrEmpty(CaFile)) errors.AddRange(CaFileProblems(CaFile));
        if (!string.IsNullOrEmpty(DockerConfig) && DockerConfigFile.Read(DockerConfig).Error is { } error)
            errors.Add("Registries:DockerConfig: " + error);
        return errors;
    }

    private static IEnumerable<string> CaFileProblems(string path)
    {
        if (!File.Exists(path)) return [$"Registries:CaFile '{path}' does not exist"];
        try
        {
            var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            roots.ImportFromPemFile(path);
            return roots.Count == 0 ? [$"Registries:CaFile '{path}' holds no PEM certificate"] : [];
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            return [$"Registries:CaFile '{path}' is not a readable PEM certificate file: {e.Message}"];
        }
    }

    /// <summary>
    /// The logins by host: the docker config's first, then <see cref="Hosts"/> over them. Call after
    /// <see cref="Validate"/> succeeded (an unreadable docker config contributes nothing here).
    /// </summary>
    public IReadOnlyDictionary<string, RegistryLogin> Logins()
    {
        var logins = new Dictionary<string, RegistryLogin>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(DockerConfig) && DockerConfigFile.Read(DockerConfig).Logins is { } fromFile)
        {
            foreach (var (host, login) in fromFile) logins[host] = login;
        }
        foreach (var h in Hosts)
        {
            if (!string.IsNullOrWhiteSpace(h.Host) && !string.IsNullOrEmpty(h.Username) && h.Password is not null)
                logins[h.Host.Trim()] = new RegistryLogin(h.Username, h.Password);
        }
        return logins;
    }
}

/// <summary>One registry login in <see cref="RegistriesOptions.Hosts"/>.</summary>
public sealed class RegistryHostOptions
{
    /// <summary>host or host:port, exactly as image URIs write it (e.g. <c>registry.example:5000</c>).</summary>
    public string Host { get; set; } = "";

    public string Username { get; set; } = "";

    /// <summary>The password or token; never logged.</summary>
    public string? Password { get; set; }

    public override string ToString() => $"{Host} ({Username}:***)";
}

/// <summary>A user name and password (or token) for one registry host. <see cref="ToString"/> hides the password.</summary>
public sealed record RegistryLogin(string Username, string Password)
{
    public override string ToString() => $"{Username}:***";
}
