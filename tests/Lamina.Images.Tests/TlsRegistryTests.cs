using System.Security.Cryptography.X509Certificates;
using Lamina.Images.Registry;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>
/// Issue 5's TLS registry: Debian's docker-registry serving HTTPS on 127.0.0.1 with a certificate signed by a CA the
/// test makes with openssl. Pulled when that CA is trusted (<see cref="RegistryClientOptions.TrustedCertificates"/>);
/// refused with a message saying what to do when it is not, or when another CA is.
/// </summary>
public sealed class TlsRegistryTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lamina-tls-").FullName;
    private readonly DistributionRegistry registry;

    public TlsRegistryTests()
    {
        TestCertificates.MakeCa(dir, "ca");
        TestCertificates.MakeCa(dir, "other-ca");
        // The registry's certificate: signed by "ca", for IP 127.0.0.1 (what image references name).
        registry = new DistributionRegistry(null, TestCertificates.MakeServer(dir, "ca", "server"));
    }

    public void Dispose()
    {
        registry.Dispose();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_registry_signed_by_a_trusted_ca_is_pulled_and_an_untrusted_one_is_refused_saying_what_to_do()
    {
        var tar = new LayerBuilder().Dir("var/task/").File("var/task/app.py", "print('tls')").Tar();
        using (var layout = new OciLayout())
        {
            layout.Tag(layout.AddImage([TestLayer.Gzip(tar)]), "v1");
            layout.Push(registry.Host, "tls/fn", "v1"); // skopeo, verification off: it only puts the image there
        }
        var reference = $"{registry.Host}/tls/fn:v1";

        foreach (var (roots, why) in new[] { ((string?)null, "no extra root"), ("other-ca.crt", "another CA") })
        {
            using var refused = Store(roots);
            var result = await refused.PullAsync(reference);
            Assert.False(result.Succeeded, why);
            Assert.Equal(ImageErrorCode.RegistryUnavailable, result.Error!.Code);
            Assert.Contains($"the TLS certificate of registry {registry.Host} is not trusted", result.Error.Message, StringComparison.Ordinal);
            Assert.Contains("Registries:CaFile", result.Error.Message, StringComparison.Ordinal);
        }

        using var trusted = Store("ca.crt");
        var pulled = await trusted.PullAsync(reference);
        Assert.True(pulled.Succeeded, pulled.Error?.ToString());
        Assert.Equal(Digest.Compute(tar), pulled.Image!.Layers.Single().DiffId);
        Assert.Equal("print('tls')", File.ReadAllText(Path.Combine(pulled.Image.Layers[0].Path, "var/task/app.py")));
    }

    private ImageStore Store(string? caFile)
    {
        var roots = new X509Certificate2Collection();
        if (caFile is not null) roots.ImportFromPemFile(P(caFile));
        return new ImageStore(new ImageStoreOptions
        {
            DataDirectory = Path.Combine(dir, "store-" + Guid.NewGuid().ToString("n")),
            Durable = false,
            Registry = new RegistryClientOptions { SecureRegistries = [registry.Host], TrustedCertificates = roots },
        });
    }

    private string P(string file) => Path.Combine(dir, file);
}
