using System.Security.Cryptography.X509Certificates;
using Lamina.Images.Registry;
using Lamina.Oci;

namespace Lamina.Images.Tests;

/// <summary>
/// What the TLS registry tests share: Debian's docker-registry serving HTTPS with certificates made (openssl) in a
/// temporary directory, both removed after the test; a one-file image put there with skopeo (verification off: it only
/// puts the image there); a store that trusts one CA file; and the two outcomes of a pull — refused as untrusted, or
/// pulled intact.
/// </summary>
public abstract class TlsRegistryTest : IDisposable
{
    /// <param name="prefix">The temporary directory's name prefix.</param>
    /// <param name="makeCertificates">Makes the CAs in the directory it is given and answers the registry's
    /// certificate (or chain) and key files.</param>
    protected TlsRegistryTest(string prefix, Func<string, (string Certificate, string Key)> makeCertificates)
    {
        Dir = Directory.CreateTempSubdirectory(prefix).FullName;
        Registry = new DistributionRegistry(null, makeCertificates(Dir));
    }

    protected string Dir { get; }

    protected DistributionRegistry Registry { get; }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Registry.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Pushes an image whose one layer holds var/task/app.py = <paramref name="script"/>; its reference and layer tar.</summary>
    protected (string Reference, byte[] Tar) PushScript(string repository, string script)
    {
        var tar = new LayerBuilder().Dir("var/task/").File("var/task/app.py", script).Tar();
        using (var layout = new OciLayout())
        {
            layout.Tag(layout.AddImage([TestLayer.Gzip(tar)]), "v1");
            layout.Push(Registry.Host, repository, "v1");
        }
        return ($"{Registry.Host}/{repository}:v1", tar);
    }

    /// <summary>A store speaking HTTPS to the registry, trusting the PEM file <paramref name="caFile"/> of the
    /// directory (null: the system's roots only).</summary>
    protected ImageStore Store(string? caFile)
    {
        var roots = new X509Certificate2Collection();
        if (caFile is not null) roots.ImportFromPemFile(Path.Combine(Dir, caFile));
        return new ImageStore(new ImageStoreOptions
        {
            DataDirectory = Path.Combine(Dir, "store-" + Guid.NewGuid().ToString("n")),
            Durable = false,
            Registry = new RegistryClientOptions { SecureRegistries = [Registry.Host], TrustedCertificates = roots },
        });
    }

    /// <summary>The pull fails as RegistryUnavailable with a message naming the untrusted certificate; the message.</summary>
    protected async Task<string> AssertRefusedAsync(ImageStore store, string reference, string why = "")
    {
        var result = await store.PullAsync(reference);
        Assert.False(result.Succeeded, why);
        Assert.Equal(ImageErrorCode.RegistryUnavailable, result.Error!.Code);
        Assert.Contains($"the TLS certificate of registry {Registry.Host} is not trusted", result.Error.Message, StringComparison.Ordinal);
        return result.Error.Message;
    }

    /// <summary>The pull succeeds with the pushed layer's diff_id and the script's bytes.</summary>
    protected static async Task AssertPulledAsync(ImageStore store, string reference, byte[] tar, string script)
    {
        var pulled = await store.PullAsync(reference);
        Assert.True(pulled.Succeeded, pulled.Error?.ToString());
        Assert.Equal(Digest.Compute(tar), pulled.Image!.Layers.Single().DiffId);
        Assert.Equal(script, File.ReadAllText(Path.Combine(pulled.Image.Layers[0].Path, "var/task/app.py")));
    }
}
