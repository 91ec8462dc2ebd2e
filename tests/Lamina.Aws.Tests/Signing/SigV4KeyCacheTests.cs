using Lamina.Aws.Signing;

namespace Lamina.Aws.Tests.Signing;

/// <summary>The signing-key cache the verifier (and signing clients) derive day keys through.</summary>
public class SigV4KeyCacheTests
{
    [Fact]
    public void A_scope_is_derived_once_and_gives_the_signers_key()
    {
        var cache = new SigV4KeyCache();
        var first = cache.Get(TestRequests.Secret, "20150830", "us-east-1", "service");
        Assert.Equal(SigV4Signer.DeriveSigningKey(TestRequests.Secret, "20150830", "us-east-1", "service"), first);
        Assert.Same(first, cache.Get(TestRequests.Secret, "20150830", "us-east-1", "service"));
    }

    [Theory]
    [InlineData("other-secret", "20150830", "us-east-1", "service")]
    [InlineData(TestRequests.Secret, "20150831", "us-east-1", "service")]
    [InlineData(TestRequests.Secret, "20150830", "eu-west-1", "service")]
    [InlineData(TestRequests.Secret, "20150830", "us-east-1", "lambda")]
    public void Any_other_secret_day_region_or_service_gets_its_own_key(string secret, string date, string region, string service)
    {
        var cache = new SigV4KeyCache();
        var baseKey = cache.Get(TestRequests.Secret, "20150830", "us-east-1", "service");
        var other = cache.Get(secret, date, region, service);
        Assert.NotEqual(baseKey, other);
        Assert.Equal(SigV4Signer.DeriveSigningKey(secret, date, region, service), other);
    }

    [Fact]
    public void Past_its_bound_it_starts_over_and_still_answers_right()
    {
        var cache = new SigV4KeyCache();
        for (var i = 0; i <= SigV4KeyCache.MaxEntries; i++)
            Assert.Equal(SigV4Signer.DeriveSigningKey($"s{i}", "20150830", "us-east-1", "service"), cache.Get($"s{i}", "20150830", "us-east-1", "service"));
        Assert.Equal(SigV4Signer.DeriveSigningKey("s0", "20150830", "us-east-1", "service"), cache.Get("s0", "20150830", "us-east-1", "service"));
    }
}
