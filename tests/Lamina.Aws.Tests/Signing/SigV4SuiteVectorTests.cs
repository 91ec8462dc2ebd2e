using Lamina.Aws.Signing;

namespace Lamina.Aws.Tests.Signing;

/// <summary>
/// Requests from AWS's published SigV4 test suite (credentials AKIDEXAMPLE, 20150830T123600Z, us-east-1,
/// service "service"); the expected signatures are the suite's, and botocore computes the same.
/// </summary>
public class SigV4SuiteVectorTests
{
    private const string Vanilla = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    private const string QueryOrder = "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500";

    private static SigV4Result Verify(string target, string signature, FixedTime? time = null) =>
        TestRequests.Verifier(time ?? new FixedTime(TestRequests.SuiteTime)).Verify(TestRequests.Build("GET", target,
        [
            ("Host", "example.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", TestRequests.Authorization(signature)),
        ]));

    [Fact]
    public void Get_vanilla_is_authentic()
    {
        var result = Verify("/", Vanilla);
        Assert.True(result.IsAuthentic, result.Message);
        Assert.Equal(TestRequests.AccessKey, result.AccessKeyId);
    }

    [Fact]
    public void Get_vanilla_query_order_sorts_parameters()
    {
        Assert.True(Verify("/?Param2=value2&Param1=value1", QueryOrder).IsAuthentic);
        Assert.True(Verify("/?Param1=value1&Param2=value2", QueryOrder).IsAuthentic);
    }

    [Fact]
    public void A_changed_query_or_path_does_not_match()
    {
        Assert.Equal(SigV4Error.SignatureDoesNotMatch, Verify("/?Param1=value1&Param2=value3", QueryOrder).Error);
        Assert.Equal(SigV4Error.SignatureDoesNotMatch, Verify("/other", Vanilla).Error);
    }

    [Fact]
    public void A_signature_of_the_wrong_length_does_not_match()
    {
        Assert.Equal(SigV4Error.SignatureDoesNotMatch, Verify("/", Vanilla[..63]).Error);
    }

    [Fact]
    public void Clock_skew_up_to_fifteen_minutes_is_accepted_beyond_it_refused()
    {
        Assert.True(Verify("/", Vanilla, new FixedTime(TestRequests.SuiteTime.AddMinutes(14))).IsAuthentic);
        Assert.True(Verify("/", Vanilla, new FixedTime(TestRequests.SuiteTime.AddMinutes(-14))).IsAuthentic);
        var late = Verify("/", Vanilla, new FixedTime(TestRequests.SuiteTime.AddMinutes(16)));
        Assert.Equal(SigV4Error.RequestTimeTooSkewed, late.Error);
        Assert.StartsWith("Signature expired: 20150830T123600Z is now earlier than", late.Message, StringComparison.Ordinal);
        var early = Verify("/", Vanilla, new FixedTime(TestRequests.SuiteTime.AddMinutes(-16)));
        Assert.Equal(SigV4Error.RequestTimeTooSkewed, early.Error);
        Assert.StartsWith("Signature not yet current", early.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonical_request_of_get_vanilla_matches_the_suite()
    {
        var canonical = SigV4Signer.CanonicalRequest("GET", SigV4Canonical.CanonicalUri("/"), SigV4Canonical.CanonicalQuery(""),
            "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n", "host;x-amz-date", SigV4Signer.EmptyPayloadHash);
        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + SigV4Signer.EmptyPayloadHash, canonical);
        var key = SigV4Signer.DeriveSigningKey(TestRequests.Secret, "20150830", "us-east-1", "service");
        Assert.Equal(Vanilla, SigV4Signer.Signature(key, SigV4Signer.StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical)));
    }
}
