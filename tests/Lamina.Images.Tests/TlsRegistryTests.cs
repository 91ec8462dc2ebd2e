using System.Diagnostics;
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
        MakeCa("ca");
        MakeCa("other-ca");
        // The registry's certificate: signed by "ca", for IP 127.0.0.1 (what image references name).
        OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", P("server.key"), "-out", P("server.csr"), "-subj", "/CN=127.0.0.1");
        File.WriteAllText(P("san.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        OpenSsl("x509", "-req", "-in", P("server.csr"), "-CA", P("ca.crt"), "-CAkey", P("ca.key"), "-CAcreateserial",
            "-out", P("server.crt"), "-days", "2", "-sha256", "-extfile", P("san.ext"));
        registry = new DistributionRegistry(null, (P("server.crt"), P("server.key")));
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

    private void MakeCa(string name) =>
        OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", P(name + ".key"), "-out", P(name + ".crt"),
            "-days", "2", "-subj", "/CN=Lamina test " + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

    private string P(string file) => Path.Combine(dir, file);

    private static void OpenSsl(params string[] args)
    {
        const string Binary = "/usr/bin/openssl";
        if (!File.Exists(Binary)) throw new InvalidOperationException($"{Binary} is required for the TLS registry test: apt-get install -y openssl");
        var psi = new ProcessStartInfo(Binary, args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"openssl {string.Join(' ', args)}: {stderr.Result}");
    }
}
