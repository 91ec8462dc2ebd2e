using System.Globalization;
using System.Text;
using Lamina.Aws.Signing;

namespace Lamina.Fuzz.Targets;

/// <summary>
/// <see cref="SigV4Verifier.Verify"/> on a GET / signed by AKIDEXAMPLE: the input's first line is the
/// Authorization header, the rest the raw query (a presigned URL's parameters). Expected failure: a
/// non-authentic result with a message. Invariant: nothing is authentic unless it carries the real signature.
/// </summary>
internal sealed class SigV4Target : IFuzzTarget
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly string AmzDate = Now.ToString(SigV4Signer.AmzDateFormat, CultureInfo.InvariantCulture);
    private static readonly string Signature = SignedGet();
    private static readonly SigV4Verifier Verifier = new(id => id == "AKIDEXAMPLE" ? "secret" : null,
        new SigV4VerifierOptions { Service = "lambda", Region = "us-east-1" }, new FixedTime(Now));

    public string Name => "sigv4";

    public string Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var authorization = newline < 0 ? text : text[..newline];
        var query = newline < 0 ? "" : text[(newline + 1)..];
        var result = Verifier.Verify(new SigV4Request
        {
            Method = "GET",
            RawPath = "/",
            RawQuery = query,
            PayloadHash = SigV4Signer.EmptyPayloadHash,
            GetHeaderValues = name => name switch
            {
                "authorization" => authorization.Length == 0 ? [] : [authorization],
                "host" => ["h"],
                "x-amz-date" => [AmzDate],
                _ => [],
            },
        });
        if (!result.IsAuthentic)
        {
            return string.IsNullOrEmpty(result.Message) ? throw new FuzzFinding("refused without a message") : $"refused: {result.Error} {result.Message}";
        }
        if (!text.Contains(Signature, StringComparison.Ordinal))
        {
            throw new FuzzFinding("authentic without the signature");
        }
        return "accepted: authentic";
    }

    private static string SignedGet()
    {
        var canonical = SigV4Signer.CanonicalRequest("GET", "/", "", $"host:h\nx-amz-date:{AmzDate}\n", "host;x-amz-date", SigV4Signer.EmptyPayloadHash);
        var scope = SigV4Signer.Scope(AmzDate[..8], "us-east-1", "lambda");
        return SigV4Signer.Signature(SigV4Signer.DeriveSigningKey("secret", AmzDate[..8], "us-east-1", "lambda"), SigV4Signer.StringToSign(AmzDate, scope, canonical));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
