namespace Lamina.EndToEnd.Tests.Registries;

/// <summary>
/// A registry implementation started for real on loopback. Client-facing tests are written once
/// against this interface and run against Lamina and against Debian's distribution registry
/// (the CNCF reference implementation): conformance across implementations.
/// </summary>
public interface IRegistryUnderTest : IAsyncDisposable
{
    /// <summary>"lamina" or "distribution", for messages.</summary>
    string Name { get; }

    /// <summary>host:port as clients write it in image references, e.g. 127.0.0.1:41234.</summary>
    string Host { get; }

    /// <summary>http://host:port/</summary>
    Uri BaseAddress { get; }

    /// <summary>User name and password clients must present, or null when the registry is open.</summary>
    RegistryCredentials? Credentials { get; }

    /// <summary>The directory holding everything the registry stored, for storage-level assertions.</summary>
    string StorageDirectory { get; }

    /// <summary>The server's own log so far, attached to failure messages.</summary>
    string ServerLog { get; }

    /// <summary>SIGKILL, no shutdown: what a power cut or the OOM killer does.</summary>
    void KillHard();
}

/// <summary>A user name and password for the registry (Basic auth or the token flow).</summary>
public sealed record RegistryCredentials(string UserName, string Password)
{
    /// <summary>The form skopeo's --creds flags take.</summary>
    public string SkopeoForm => UserName + ":" + Password;
}
