using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Lamina.Control.States;
using Lamina.Server;
using Microsoft.Extensions.Configuration;

namespace Lamina.Scheduler.Tests;

/// <summary><c>Registries:Secure</c> and <c>Registries:CaFile</c>: bound from configuration, validated at start with messages naming the key.</summary>
public sealed class RegistriesTlsOptionsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lamina-regtls-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string WriteCa()
    {
        using var key = ECDsa.Create();
        var request = new CertificateRequest("CN=Lamina test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        var path = Path.Combine(dir, "ca.pem");
        File.WriteAllText(path, ca.ExportCertificatePem());
        return path;
    }

    [Fact]
    public void Secure_hosts_and_the_ca_file_bind_from_configuration_and_the_ca_is_read()
    {
        var ca = WriteCa();
        var options = new LaminaOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registries:Secure:0"] = "127.0.0.1:5443",
            ["Registries:CaFile"] = ca,
        }).Build().Bind(options);
        Assert.Empty(options.Validate());
        Assert.Equal(["127.0.0.1:5443"], options.Registries.Secure);
        var roots = options.Registries.TrustedCertificates();
        Assert.Equal("CN=Lamina test CA", Assert.Single(roots).Subject);
        Assert.Empty(new RegistriesOptions().TrustedCertificates());
    }

    [Fact]
    public void Bad_entries_are_each_refused_naming_the_key()
    {
        var notPem = Path.Combine(dir, "not.pem");
        File.WriteAllText(notPem, "this is not a certificate");
        var cases = new (RegistriesOptions Options, string Expected)[]
        {
            (new() { CaFile = Path.Combine(dir, "missing.pem") }, "Registries:CaFile '" + Path.Combine(dir, "missing.pem") + "' does not exist"),
            (new() { CaFile = notPem }, "Registries:CaFile '" + notPem + "' holds no PEM certificate"),
            (new() { Secure = ["https://127.0.0.1:5443"] }, "Registries:Secure entry 'https://127.0.0.1:5443' must be a registry host"),
            (new() { Secure = ["127.0.0.1:5443"], Insecure = ["127.0.0.1:5443"] }, "is also in Registries:Insecure"),
        };
        foreach (var (options, expected) in cases)
            Assert.Contains(expected, Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_with_an_unreadable_ca_file_does_not_start()
    {
        var data = Path.Combine(dir, "data");
        var options = new LaminaOptions { Port = 0, DataDir = data };
        options.Registries.CaFile = Path.Combine(dir, "missing.pem");
        var e = Assert.Throws<LaminaConfigurationException>(() => LaminaHost.Create(options));
        Assert.Contains("Registries:CaFile", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }
}
