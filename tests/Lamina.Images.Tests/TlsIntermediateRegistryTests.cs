using System.Security.Cryptography.X509Certificates;
using Lamina.Images.Registry;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>
/// A registry whose certificate is signed by an intermediate CA, itself signed by the configured root: Debian's
/// docker-registry over HTTPS sends leaf + intermediate (the chain file), and only the root is trusted
/// (<see cref="RegistryClientOptions.TrustedCertificates"/>). The path is built through the intermediate the
/// handshake carried; the same chain under another configured root is still refused.
/// </summary>
public sealed class TlsIntermediateRegistryTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("lamina-tlsi-").FullName;
    private readonly DistributionRegistry registry;

    public TlsIntermediateRegistryTests()
    {
        TestCertificates.MakeCa(dir, "root");
        TestCertificates.MakeCa(dir, "other-root");
        TestCertificates.MakeIntermediate(dir, "root", "intermediate");
        var (leaf, key) = TestCertificates.MakeServer(dir, "intermediate", "server");
        var bundle = Path.Combine(dir, "server-chain.crt");
        File.WriteAllText(bundle, File.ReadAllText(leaf) + File.ReadAllText(Path.Combine(dir, "intermediate.crt")));
        registry = new DistributionRegistry(null, (bundle, key));
    }

    public void Dispose()
    {
        registry.Dispose();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_leaf_and_intermediate_chain_is_pulled_when_its_root_is_trusted_and_refused_under_another_root()
    {
        var tar = new LayerBuilder().Dir("var/task/").File("var/task/app.py", "print('chain')").Tar();
        using (var layout = new OciLayout())
        {
            layout.Tag(layout.AddImage([TestLayer.Gzip(tar)]), "v1");
            layout.Push(registry.Host, "tls/chain", "v1"); // skopeo, verification off: it only puts the image there
        }
        var reference = $"{registry.Host}/tls/chain:v1";

        using (var refused = Store("other-root.crt"))
        {
            var result = await refused.PullAsync(reference);
            Assert.False(result.Succeeded);
            Assert.Equal(ImageErrorCode.RegistryUnavailable, result.Error!.Code);
            Assert.Contains($"the TLS certificate of registry {registry.Host} is not trusted", result.Error.Message, StringComparison.Ordinal);
        }

        using var trusted = Store("root.crt");
        var pulled = await trusted.PullAsync(reference);
        Assert.True(pulled.Succeeded, pulled.Error?.ToString());
        Assert.Equal(Digest.Compute(tar), pulled.Image!.Layers.Single().DiffId);
        Assert.Equal("print('chain')", File.ReadAllText(Path.Combine(pulled.Image.Layers[0].Path, "var/task/app.py")));
    }

    private ImageStore Store(string caFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(Path.Combine(dir, caFile));
        return new ImageStore(new ImageStoreOptions
        {
            DataDirectory = Path.Combine(dir, "store-" + Guid.NewGuid().ToString("n")),
            Durable = false,
            Registry = new RegistryClientOptions { SecureRegistries = [registry.Host], TrustedCertificates = roots },
        });
    }
}
