namespace Lamina.Control.Tests;

/// <summary>
/// The API reads a body with Content-Length straight into an array of that size and a chunked one piece by piece
/// (LambdaEndpoints.ReadBodyAsync): both reach the function byte for byte, and a chunked body over the 6 MB limit is
/// refused with RequestTooLargeException before anything runs. Signed with botocore's SigV4 signer, sent raw.
/// </summary>
public sealed class InvokeBodyFramingTests
{
    private const string Role = "arn:aws:iam::000000000000:role/x";

    private const string Script = """
        import sys, json, http.client, urllib.parse
        import botocore.session
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        creds = botocore.session.get_session().get_credentials()
        endpoint, region = sys.argv[1], sys.argv[2]
        path = "/2015-03-31/functions/f/invocations"

        def send(body, chunked):
            req = AWSRequest(method="POST", url=endpoint + path, data=body, headers={"Content-Type": "application/json"})
            SigV4Auth(creds, "lambda", region).add_auth(req)
            headers = {k: v for k, v in req.headers.items() if k.lower() != "content-length"}
            u = urllib.parse.urlparse(endpoint)
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
            if chunked:
                pieces = [body[i:i + 1000] for i in range(0, len(body), 1000)]
                c.request("POST", path, body=iter(pieces), headers=headers, encode_chunked=True)
            else:
                headers["Content-Length"] = str(len(body))
                c.request("POST", path, body=body, headers=headers)
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()

        event = {"text": "é" * 3000, "n": list(range(500))}
        raw = json.dumps(event, ensure_ascii=False).encode()
        for chunked in (False, True):
            status, headers, body = send(raw, chunked)
            assert status == 200, (chunked, status, body[:300])
            assert json.loads(body)["event"] == event, chunked
            assert headers.get("Content-Length") == str(len(body)), headers

        big = b'"' + b"a" * (7 * 1024 * 1024) + b'"'
        status, headers, body = send(big, True)
        assert status == 413 and headers["x-amzn-ErrorType"] == "RequestTooLargeException", (status, headers, body[:300])
        print("OK")
        """;

    [Fact]
    public async Task Sized_and_chunked_bodies_arrive_whole_and_an_oversized_chunked_one_runs_nothing()
    {
        await using var t = await ControlTestHost.StartAsync();
        await t.PushImageAsync("fn/app", "v1", "one");
        Assert.Equal(0, (await t.LambdaAsync(false, "create-function", "--function-name", "f", "--package-type", "Image",
            "--code", $"ImageUri={t.Authority}/fn/app:v1", "--role", Role)).ExitCode);
        Assert.Equal(0, (await t.LambdaAsync(false, "wait", "function-active-v2", "--function-name", "f")).ExitCode);
        var script = Path.Combine(t.DataDir, "framing.py");
        await File.WriteAllTextAsync(script, Script);

        var r = await ToolRunner.RunAsync("python3", [script, t.Endpoint, t.Host.Credentials.Region], t.AwsEnv());

        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("OK", StringComparison.Ordinal), r.ToString());
        Assert.Equal(2, t.Invoker.Calls); // the two whole bodies; the oversized one never reached the invoker
    }
}
