using Lamina.Images.Registry;

namespace Lamina.Images.Tests;

/// <summary>
/// A registry whose certificate is signed by an intermediate CA, itself signed by the configured root: Debian's
/// docker-registry over HTTPS sends leaf + intermediate (the chain file), and only the root is trusted
/// (<see cref="RegistryClientOptions.TrustedCertificates"/>). The path is built through the intermediate the
/// handshake carried; the same chain under another configured root is still refused.
/// </summary>
public sealed class TlsIntermediateRegistryTests() : TlsRegistryTest("lamina-tlsi-", dir =>
{
    TestCertificates.MakeCa(dir, "root");
    TestCertificates.MakeCa(dir, "other-root");
    TestCertificates.MakeIntermediate(dir, "root", "intermediate");
    var (leaf, key) = TestCertificates.MakeServer(dir, "intermediate", "server");
    var bundle = Path.Combine(dir, "server-chain.crt");
    File.WriteAllText(bundle, File.ReadAllText(leaf) + File.ReadAllText(Path.Combine(dir, "intermediate.crt")));
    return (bundle, key);
})
{
    [Fact]
    public async Task A_leaf_and_intermediate_chain_is_pulled_when_its_root_is_trusted_and_refused_under_another_root()
    {
        var (reference, tar) = PushScript("tls/chain", "print('chain')");

        using (var refused = Store("other-root.crt"))
        {
            await AssertRefusedAsync(refused, reference);
        }

        using var trusted = Store("root.crt");
        await AssertPulledAsync(trusted, reference, tar, "print('chain')");
    }
}
