namespace Lamina.Control.Tests;

/// <summary>
/// Requests no SDK would send (malformed JSON, wrong JSON types), signed with botocore's own SigV4 signer and
/// sent raw, to check the wire error shape: status, x-amzn-ErrorType, {"Type":"User","message":…}.
/// </summary>
public sealed class RawRequestTests
{
    private const string Script = """
        import sys, json, urllib.request, urllib.error
        import botocore.session
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        creds = botocore.session.get_session().get_credentials()
        region = sys.argv[2]

        def send(method, path, body):
            req = AWSRequest(method=method, url=sys.argv[1] + path, data=body, headers={"Content-Type": "application/json"})
            SigV4Auth(creds, "lambda", region).add_auth(req)
            r = urllib.request.Request(req.url, data=body, method=method, headers=dict(req.headers.items()))
            try:
                with urllib.request.urlopen(r) as resp:
                    return resp.status, dict(resp.headers), resp.read()
            except urllib.error.HTTPError as e:
                return e.code, dict(e.headers), e.read()

        status, headers, body = send("POST", "/2015-03-31/functions", b"{not json")
        assert status == 400, (status, body)
        assert headers["x-amzn-ErrorType"] == "InvalidRequestContentException", headers
        parsed = json.loads(body)
        assert parsed["Type"] == "User" and parsed["message"].startswith("Could not parse request body into json"), parsed

        status, headers, body = send("POST", "/2015-03-31/functions", json.dumps({"FunctionName": "x", "MemorySize": "big"}).encode())
        assert status == 400 and headers["x-amzn-ErrorType"] == "InvalidRequestContentException", (status, headers, body)

        status, headers, body = send("POST", "/2015-03-31/functions", json.dumps({"FunctionName": "x", "Role": "arn:aws:iam::000000000000:role/x",
            "PackageType": "Image", "Code": {"ImageUri": "127.0.0.1:1/r:t"}, "MemorySize": 64}).encode())
        assert status == 400 and headers["x-amzn-ErrorType"] == "ValidationException", (status, headers, body)

        status, headers, body = send("GET", "/2015-03-31/functions", None)
        assert status == 200 and json.loads(body)["Functions"] == [], (status, body)
        assert "x-amzn-RequestId" in headers, headers
        print("OK")
        """;

    [Fact]
    public async Task Malformed_and_mistyped_bodies_get_AWS_error_shapes_and_create_nothing()
    {
        await using var t = await ControlTestHost.StartAsync();
        var script = Path.Combine(t.DataDir, "raw.py");
        await File.WriteAllTextAsync(script, Script);
        var r = await ToolRunner.RunAsync("python3", [script, t.Endpoint, t.Host.Credentials.Region], t.AwsEnv());
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("OK", StringComparison.Ordinal), r.ToString());
    }
}
