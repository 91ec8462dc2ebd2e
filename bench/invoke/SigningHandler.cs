using System.Globalization;
using Lamina.Aws.Signing;

namespace Lamina.Bench.Invoke;

/// <summary>Signs each request with SigV4 (header form, service "lambda") using Lamina.Aws's signer, as an SDK would.</summary>
internal sealed class SigningHandler(string accessKeyId, string secretAccessKey, string region)
    : DelegatingHandler(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, UseProxy = false })
{
    private const string Service = "lambda";
    private readonly SigV4KeyCache _keys = new(); // an SDK derives the day's key once, not per request

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("request without URI");
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var payloadHash = SigV4Signer.HexSha256(body);
        var amzDate = DateTime.UtcNow.ToString(SigV4Signer.AmzDateFormat, CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Content-Sha256", payloadHash);
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.Authority,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = amzDate,
        };
        var names = headers.Keys.ToList();
        var signedHeaders = string.Join(';', names);
        var canonical = SigV4Signer.CanonicalRequest(request.Method.Method, SigV4Canonical.CanonicalUri(uri.AbsolutePath),
            SigV4Canonical.CanonicalQuery(uri.Query), SigV4Signer.CanonicalHeaders(names, n => [headers[n]]), signedHeaders, payloadHash);
        var scope = SigV4Signer.Scope(date, region, Service);
        var key = _keys.Get(secretAccessKey, date, region, Service);
        var signature = SigV4Signer.Signature(key, SigV4Signer.StringToSign(amzDate, scope, canonical));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{SigV4Signer.Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        return await base.SendAsync(request, cancellationToken);
    }
}
