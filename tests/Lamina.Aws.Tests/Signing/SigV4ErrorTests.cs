using Lamina.Aws.Signing;

namespace Lamina.Aws.Tests.Signing;

public class SigV4ErrorTests
{
    private static readonly FixedTime Time = new(TestRequests.SuiteTime);

    /// <summary>Signs a POST with our signer (the suite vectors prove the signer right).</summary>
    private static List<(string, string)> Signed(byte[] body, string secret = TestRequests.Secret, string region = "us-east-1",
        string service = "service", string date = "20150830T123600Z", string? declaredHash = null)
    {
        var headers = new List<(string, string)> { ("Host", "example.amazonaws.com"), ("X-Amz-Date", date) };
        var names = new List<string> { "host", "x-amz-date" };
        if (declaredHash is not null) { headers.Add(("X-Amz-Content-Sha256", declaredHash)); names.Insert(1, "x-amz-content-sha256"); }
        var canonicalHeaders = SigV4Signer.CanonicalHeaders(names, n => headers.Where(h => h.Item1.Equals(n, StringComparison.OrdinalIgnoreCase)).Select(h => h.Item2).ToArray());
        var canonical = SigV4Signer.CanonicalRequest("POST", "/", "", canonicalHeaders, string.Join(';', names), declaredHash ?? SigV4Signer.HexSha256(body));
        var scope = SigV4Signer.Scope(date[..8], region, service);
        var signature = SigV4Signer.Signature(SigV4Signer.DeriveSigningKey(secret, date[..8], region, service), SigV4Signer.StringToSign(date, scope, canonical));
        headers.Add(("Authorization", TestRequests.Authorization(signature, string.Join(';', names), scope)));
        return headers;
    }

    private static SigV4Result Verify(List<(string, string)> headers, byte[] body, SigV4Verifier? verifier = null) =>
        (verifier ?? TestRequests.Verifier(Time)).Verify(TestRequests.Build("POST", "/", headers, body));

    [Fact]
    public void A_correctly_signed_body_is_authentic_and_a_changed_body_is_not()
    {
        var body = "{\"a\":1}"u8.ToArray();
        var headers = Signed(body);
        Assert.True(Verify(headers, body).IsAuthentic);
        Assert.Equal(SigV4Error.SignatureDoesNotMatch, Verify(headers, "{\"a\":2}"u8.ToArray()).Error);
    }

    [Fact]
    public void A_wrong_secret_is_SignatureDoesNotMatch()
    {
        var result = Verify(Signed([], secret: "not-the-secret"), []);
        Assert.Equal(SigV4Error.SignatureDoesNotMatch, result.Error);
        Assert.Contains("does not match the signature you provided", result.Message, StringComparison.Ordinal);
        Assert.Equal(("InvalidSignatureException", 403), SigV4ErrorTable.ToWire(result.Error));
    }

    [Fact]
    public void No_authorization_at_all_is_MissingAuthenticationToken()
    {
        var result = Verify([("Host", "example.amazonaws.com")], []);
        Assert.Equal(SigV4Error.MissingAuthenticationToken, result.Error);
        Assert.Equal("MissingAuthenticationTokenException", SigV4ErrorTable.ToWire(result.Error).Code);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, Signature=abc")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1, SignedHeaders=host;x-amz-date, Signature=abc")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=x-amz-date, Signature=abc")]
    [InlineData("Basic QUtJRDpzZWNyZXQ=")]
    public void A_malformed_header_is_IncompleteSignature(string authorization)
    {
        var result = Verify([("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"), ("Authorization", authorization)], []);
        Assert.Equal(SigV4Error.IncompleteSignature, result.Error);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    [Fact]
    public void A_missing_date_is_IncompleteSignature()
    {
        var headers = Signed([]).Where(h => h.Item1 != "X-Amz-Date").ToList();
        Assert.Equal(SigV4Error.IncompleteSignature, Verify(headers, []).Error);
    }

    [Fact]
    public void An_unknown_access_key_is_UnrecognizedClient()
    {
        var headers = Signed([]).Select(h => h.Item1 == "Authorization" ? (h.Item1, h.Item2.Replace("AKIDEXAMPLE", "AKIDOTHER", StringComparison.Ordinal)) : h).ToList();
        var result = Verify(headers, []);
        Assert.Equal(SigV4Error.UnrecognizedClient, result.Error);
        Assert.Equal("UnrecognizedClientException", SigV4ErrorTable.ToWire(result.Error).Code);
    }

    [Fact]
    public void Another_region_or_service_in_the_scope_is_refused()
    {
        Assert.Equal(SigV4Error.InvalidScope, Verify(Signed([], region: "eu-west-1"), []).Error);
        Assert.Equal(SigV4Error.InvalidScope, Verify(Signed([], service: "lambda"), []).Error);
        // A verifier without a region accepts any region, still checking the signature.
        Assert.True(Verify(Signed([], region: "eu-west-1"), [], TestRequests.Verifier(Time, region: null)).IsAuthentic);
    }

    [Fact]
    public void A_declared_payload_hash_must_be_the_received_bodys()
    {
        var body = "payload"u8.ToArray();
        Assert.True(Verify(Signed(body, declaredHash: SigV4Signer.HexSha256(body)), body).IsAuthentic);
        var lying = Signed(body, declaredHash: SigV4Signer.HexSha256("other"u8));
        Assert.Equal(SigV4Error.SignatureDoesNotMatch, Verify(lying, body).Error);
        Assert.True(Verify(Signed(body, declaredHash: SigV4Signer.UnsignedPayload), body).IsAuthentic);
    }

    [Fact]
    public void A_date_outside_the_scope_day_is_refused()
    {
        var headers = Signed([]).Select(h => h.Item1 == "X-Amz-Date" ? (h.Item1, "20150831T000100Z") : h).ToList();
        var verifier = TestRequests.Verifier(new FixedTime(new DateTimeOffset(2015, 8, 31, 0, 1, 0, TimeSpan.Zero)));
        Assert.Equal(SigV4Error.InvalidScope, Verify(headers, [], verifier).Error);
    }
}
