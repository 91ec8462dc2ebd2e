using System.Globalization;
using Lamina.Aws.Signing;

namespace Lamina.Cli.Client;

/// <summary>Signs every request with AWS SigV4 (header form) for one service, buffering the body to hash it.</summary>
internal sealed class SigV4Handler(ConnectionSettings settings, string service) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("request without URI");
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var payloadHash = SigV4Signer.HexSha256(body);
        var amzDate = DateTime.UtcNow.ToString(SigV4Signer.AmzDateFormat, CultureInfo.InvariantCulture);
        var date = amzDate[..8];

        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-Content-Sha256", payloadHash);
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.IsDefaultPort ? uri.Host : uri.Authority,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = amzDate,
        };
        foreach (var h in request.Headers.Where(h => h.Key.StartsWith("X-Amz-Target", StringComparison.OrdinalIgnoreCase)))
            headers["x-amz-target"] = string.Join(',', h.Value);

        var names = headers.Keys.ToList();
        var signedHeaders = string.Join(';', names);
        var canonical = SigV4Signer.CanonicalRequest(request.Method.Method, SigV4Canonical.CanonicalUri(uri.AbsolutePath),
            SigV4Canonical.CanonicalQuery(uri.Query), SigV4Signer.CanonicalHeaders(names, n => [headers[n]]), signedHeaders, payloadHash);
        var scope = SigV4Signer.Scope(date, settings.Region, service);
        var key = SigV4Signer.DeriveSigningKey(settings.SecretAccessKey, date, settings.Region, service);
        var signature = SigV4Signer.Signature(key, SigV4Signer.StringToSign(amzDate, scope, canonical));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{SigV4Signer.Algorithm} Credential={settings.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        return await base.SendAsync(request, cancellationToken);
    }
}
