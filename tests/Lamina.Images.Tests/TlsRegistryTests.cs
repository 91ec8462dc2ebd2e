using Lamina.Images.Registry;

namespace Lamina.Images.Tests;

/// <summary>
/// Issue 5's TLS registry: Debian's docker-registry serving HTTPS on 127.0.0.1 with a certificate signed by a CA the
/// test makes with openssl. Pulled when that CA is trusted (<see cref="RegistryClientOptions.TrustedCertificates"/>);
/// refused with a message saying what to do when it is not, or when another CA is.
/// </summary>
public sealed class TlsRegistryTests() : TlsRegistryTest("lamina-tls-", dir =>
{
    TestCertificates.MakeCa(dir, "ca");
    TestCertificates.MakeCa(dir, "other-ca");
    // The registry's certificate: signed by "ca", for IP 127.0.0.1 (what image references name).
    return TestCertificates.MakeServer(dir, "ca", "server");
})
{
    [Fact]
    public async Task A_registry_signed_by_a_trusted_ca_is_pulled_and_an_untrusted_one_is_refused_saying_what_to_do()
    {
        var (reference, tar) = PushScript("tls/fn", "print('tls')");

        foreach (var (roots, why) in new[] { ((string?)null, "no extra root"), ("other-ca.crt", "another CA") })
        {
            using var refused = Store(roots);
            var message = await AssertRefusedAsync(refused, reference, why);
            Assert.Contains("Registries:CaFile", message, StringComparison.Ordinal);
        }

        using var trusted = Store("ca.crt");
        await AssertPulledAsync(trusted, reference, tar, "print('tls')");
    }
}
