using Lamina.Environments.Tests.Fixtures;
using Lamina.Images.Tests;
using Lamina.Server;

namespace Lamina.Scheduler.Tests.Fixtures;

/// <summary>
/// The execution server plus two of Debian's docker-registry instances serving HTTPS on loopback, each holding the
/// echo image as tls/echo:v1: <see cref="Trusted"/> (certificate signed by the CA in the server's
/// <c>Registries:CaFile</c>) and <see cref="Untrusted"/> (signed by another CA). Both are in <c>Registries:Secure</c>.
/// Once per test class.
/// </summary>
public sealed class TlsRegistryServer : ExecutionServer, IAsyncLifetime
{
    public const string Repository = "tls/echo";

    private readonly string _files = Directory.CreateTempSubdirectory("lamina-tlsreg-").FullName;

    public TlsRegistryServer()
    {
        CaFile = TestCertificates.MakeCa(_files, "ca");
        TestCertificates.MakeCa(_files, "other-ca");
        Trusted = new DistributionRegistry(null, TestCertificates.MakeServer(_files, "ca", "trusted"));
        Untrusted = new DistributionRegistry(null, TestCertificates.MakeServer(_files, "other-ca", "untrusted"));
    }

    public DistributionRegistry Trusted { get; }

    public DistributionRegistry Untrusted { get; }

    public string CaFile { get; }

    protected override void Configure(LaminaOptions options)
    {
        options.Registries.Secure = [Trusted.Host, Untrusted.Host];
        options.Registries.CaFile = CaFile;
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        foreach (var registry in new[] { Trusted, Untrusted })
        {
            Tool.Run("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                $"oci:{Path.Combine(LayoutDir, "v1")}:v1", $"docker://{registry.Host}/{Repository}:v1");
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Trusted.Dispose();
        Untrusted.Dispose();
        try { Directory.Delete(_files, recursive: true); } catch (IOException) { }
    }
}
