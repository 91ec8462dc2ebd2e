using System.Diagnostics;
using System.Text.Json;
using Lamina.Aws.Signing;

namespace Lamina.Aws.Tests.Signing;

/// <summary>Requests signed by botocore (an independent SigV4 implementation) at the current time must verify; altered ones must not.</summary>
public class BotocoreCrossCheckTests
{
    private const string AccessKey = "AKIDCROSSCHECK";
    private const string Secret = "cross/check+secret0123456789abcdefghijkl";

    private static async Task<JsonElement[]> SignWithBotocoreAsync()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Signing", "botocore_sign.py");
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(AccessKey);
        start.ArgumentList.Add(Secret);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 is required (apt-get install python3 python3-botocore)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "botocore signing script failed (is botocore installed?): " + await stderr);
        return JsonDocument.Parse(await stdout).RootElement.EnumerateArray().ToArray();
    }

    private static SigV4Request ToRequest(JsonElement c, string? replaceQuery = null)
    {
        var headers = c.GetProperty("headers").EnumerateArray().Select(h => (h[0].GetString()!, h[1].GetString()!)).ToList();
        var body = Convert.FromBase64String(c.GetProperty("body").GetString()!);
        var query = replaceQuery ?? c.GetProperty("query").GetString()!;
        return TestRequests.Build(c.GetProperty("method").GetString()!, c.GetProperty("path").GetString()! + (query.Length > 0 ? "?" + query : ""), headers, body);
    }

    [Fact]
    public async Task Every_botocore_signed_request_verifies_and_altered_copies_do_not()
    {
        var cases = await SignWithBotocoreAsync();
        Assert.Equal(8, cases.Length);
        var verifier = new SigV4Verifier(k => k == AccessKey ? Secret : null,
            new SigV4VerifierOptions { Service = "service", Region = "us-east-1" }, TimeProvider.System);
        foreach (var c in cases)
        {
            var result = verifier.Verify(ToRequest(c));
            Assert.True(result.IsAuthentic, $"{c.GetProperty("method")} {c.GetProperty("path")}?{c.GetProperty("query")} presigned={c.GetProperty("presigned")}: {result.Message}");
            var altered = verifier.Verify(ToRequest(c, c.GetProperty("query").GetString() + "&extra=1"));
            Assert.Equal(SigV4Error.SignatureDoesNotMatch, altered.Error);
        }
    }
}
