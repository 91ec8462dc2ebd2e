using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Lamina.Aws.Signing;
using Lamina.Build;
using Lamina.Build.Dockerfile;
using Lamina.Oci;

namespace Lamina.Hostile.Tests.Input;

/// <summary>
/// Property tests of the parsers that see untrusted text: names, references, digests, manifests, Dockerfiles
/// and SigV4 headers. Each runs for <see cref="Fuzz.Seconds"/> on random and mutated-valid inputs.
/// </summary>
public sealed partial class ParserProperties
{
    private const string Hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Fact]
    public void Digests_never_throw_and_what_parses_round_trips()
    {
        var gen = Gen.OneOf(Gen.String, Fuzz.Tokens("sha256:", "sha512:", Hex, Hex[..32], ":", "+", ".", "_", "-", "A", "\0"),
            Fuzz.TextMutations("sha256:" + Hex));
        Fuzz.Run(gen, s =>
        {
            if (!Digest.TryParse(s, out var d)) return;
            Assert.Equal(s, d.ToString());
            Assert.Matches("^[a-f0-9]+$", d.Encoded); // safe as a file name: the blob store uses it as one
        });
    }

    [Fact]
    public void Repository_names_that_pass_validation_stay_inside_a_directory()
    {
        var root = Path.Combine(Path.GetTempPath(), "lamina-fuzz-root");
        var gen = Gen.OneOf(Gen.String, Fuzz.Tokens("a", "b", "/", "..", ".", "-", "_", "__", "\\", "%2e", "~", "A", "library"));
        Fuzz.Run(gen, name =>
        {
            if (!RepositoryName.IsValid(name)) return;
            var full = Path.GetFullPath(Path.Combine(root, name));
            Assert.StartsWith(root + "/", full, StringComparison.Ordinal);
            Assert.DoesNotContain("..", name.Split('/'));
        });
        Fuzz.Run(gen, tag => _ = RepositoryName.IsValidTag(tag));
    }

    [Fact]
    public void Image_references_never_throw_and_what_parses_reparses_the_same()
    {
        var gen = Gen.OneOf(Gen.String,
            Fuzz.Tokens("localhost", "127.0.0.1:5000", "/", ":", "@", "sha256:" + Hex, "latest", "a", "b.c", "..", "library", "UPPER", "_"),
            Fuzz.TextMutations($"127.0.0.1:5000/team/app:v1@sha256:{Hex}"));
        Fuzz.Run(gen, s =>
        {
            if (!ImageReference.TryParse(s, out var r, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error));
                return;
            }
            Assert.True(RepositoryName.IsValid(r.Repository), $"{s} parsed to repository {r.Repository}");
            Assert.True(ImageReference.TryParse(r.ToString(), out var again, out _), $"{r} does not reparse");
            Assert.Equal(r, again);
        });
    }

    [Fact]
    public void Manifests_never_throw_and_what_parses_references_valid_digests()
    {
        var valid = Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{{{Hex}}}","size":7023},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:{{{Hex}}}","size":32654}],
             "annotations":{"a":"b"}}
            """);
        var index = Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
             "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{{{Hex}}}","size":7,"platform":{"architecture":"amd64","os":"linux"}}]}
            """);
        var gen = Gen.Select(Gen.OneOf(Fuzz.Mutations(valid), Fuzz.Mutations(index), Gen.Byte.Array[0, 512]),
            Gen.OneOf<string?>(null, MediaTypes.OciManifest, MediaTypes.OciIndex, "application/json", ""));
        Fuzz.Run(gen, t =>
        {
            var (bytes, contentType) = t;
            if (!ImageManifest.TryParse(bytes, contentType, out var m, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error));
                return;
            }
            foreach (var d in m!.BlobReferences) Assert.True(Digest.TryParse(d.Digest.ToString(), out _));
        }, t => Encoding.UTF8.GetString(t.Item1) + " | " + t.Item2);
    }

    [Fact]
    public void Dockerfiles_fail_only_with_a_BuildException_naming_the_line()
    {
        const string valid = "# syntax=docker/dockerfile:1\nARG BASE=alpine\nFROM ${BASE} AS build\nENV A=1 B=\"two words\"\n" +
            "RUN echo $A \\\n  && echo done\nCOPY --from=build [\"/a\", \"/b\"]\nCMD [\"app.handler\"]\n";
        var gen = Gen.OneOf(Fuzz.TextMutations(valid), Gen.String,
            Fuzz.Tokens("FROM ", "RUN ", "COPY ", "ENV ", "ARG ", "CMD ", "\n", "\\\n", "`", "# escape=`\n", "[\"", "\"]", "$", "${", "}", "--from=", "--x=", " ", "=", "\""));
        Fuzz.Run(gen, text =>
        {
            try
            {
                var parsed = DockerfileParser.Parse(text);
                Assert.All(parsed.Instructions, i => Assert.InRange(i.Line, 1, text.Split('\n').Length));
            }
            catch (BuildException e)
            {
                Assert.Matches(LineNamed(), e.Message);
            }
        });
    }

    [Fact]
    public void SigV4_headers_never_throw_and_only_the_right_signature_is_authentic()
    {
        var (verifier, amzDate, scope, signature) = SignedGet();
        var good = $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{scope}, SignedHeaders=host;x-amz-date, Signature={signature}";
        Assert.True(Verify(verifier, good, amzDate, "").IsAuthentic, "the unmutated header verifies");
        var gen = Gen.Select(Gen.OneOf(Fuzz.TextMutations(good), Gen.String,
                Fuzz.Tokens("AWS4-HMAC-SHA256 ", "Credential=", "AKIDEXAMPLE", "/", scope, ",", " ", "SignedHeaders=", "host", ";", "Signature=", signature, "=")),
            Gen.OneOf(Gen.Const(""), Fuzz.TextMutations("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F" + scope.Replace("/", "%2F", StringComparison.Ordinal) + "&X-Amz-Date=" + amzDate + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=" + signature)));
        Fuzz.Run(gen, t =>
        {
            var result = Verify(verifier, t.Item1, amzDate, t.Item2);
            // Unknown components are ignored (AWS is stricter) and spaces and tabs around them are insignificant;
            // what matters is that nothing forges a signature.
            if (result.IsAuthentic)
                Assert.True(t.Item1.Replace(" ", "", StringComparison.Ordinal).Replace("\t", "", StringComparison.Ordinal).Contains("Signature=" + signature, StringComparison.Ordinal) || t.Item2.Contains("X-Amz-Signature=" + signature, StringComparison.Ordinal),
                    $"authentic without the signature: {t.Item1} {t.Item2}");
            else Assert.False(string.IsNullOrEmpty(result.Message));
        });
    }

    [Fact]
    public void A_signature_with_a_line_break_before_it_is_not_authentic()
    {
        // Found by the property above (seed 6kOtlQA1So31): values were trimmed of all white space, line breaks too.
        var (verifier, amzDate, scope, signature) = SignedGet();
        var header = $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{scope}, SignedHeaders=host;x-amz-date, Signature=";
        Assert.True(Verify(verifier, header + " " + signature + "\t", amzDate, "").IsAuthentic, "spaces and tabs are insignificant");
        var broken = Verify(verifier, header + "\n" + signature, amzDate, "");
        Assert.False(broken.IsAuthentic);
        Assert.Equal(SigV4Error.SignatureDoesNotMatch, broken.Error);
    }

    /// <summary>A verifier knowing AKIDEXAMPLE, and the date, scope and signature of a GET / signed with its secret.</summary>
    private static (SigV4Verifier Verifier, string AmzDate, string Scope, string Signature) SignedGet()
    {
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var amzDate = now.ToString(SigV4Signer.AmzDateFormat, System.Globalization.CultureInfo.InvariantCulture);
        var verifier = new SigV4Verifier(id => id == "AKIDEXAMPLE" ? "secret" : null, new SigV4VerifierOptions { Service = "lambda", Region = "us-east-1" }, new FixedTime(now));
        var canonical = SigV4Signer.CanonicalRequest("GET", "/", "", $"host:h\nx-amz-date:{amzDate}\n", "host;x-amz-date", SigV4Signer.EmptyPayloadHash);
        var scope = SigV4Signer.Scope(amzDate[..8], "us-east-1", "lambda");
        var signature = SigV4Signer.Signature(SigV4Signer.DeriveSigningKey("secret", amzDate[..8], "us-east-1", "lambda"), SigV4Signer.StringToSign(amzDate, scope, canonical));
        return (verifier, amzDate, scope, signature);
    }

    private static SigV4Result Verify(SigV4Verifier verifier, string authorization, string amzDate, string query) =>
        verifier.Verify(new SigV4Request
        {
            Method = "GET",
            RawPath = "/",
            RawQuery = query,
            PayloadHash = SigV4Signer.EmptyPayloadHash,
            GetHeaderValues = name => name switch
            {
                "authorization" => [authorization],
                "host" => ["h"],
                "x-amz-date" => [amzDate],
                _ => [],
            },
        });

    [GeneratedRegex(@"^Dockerfile:\d+: ")]
    private static partial Regex LineNamed();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
