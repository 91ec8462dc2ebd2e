using System.Text.Json;

namespace Lamina.Control.Tests;

/// <summary>Bad input through the real CLI v2: AWS's error type for each, and nothing half-created.</summary>
public sealed class BadInputTests
{
    private const string Role = "arn:aws:iam::000000000000:role/x";

    [Fact]
    public async Task Each_bad_request_gets_its_AWS_error_and_creates_nothing()
    {
        await using var t = await ControlTestHost.StartAsync();
        await t.PushImageAsync("fn/app", "v1", "one");
        var image = $"ImageUri={t.Authority}/fn/app:v1";

        async Task Expect(string errorType, params string[] args)
        {
            var r = await t.LambdaAsync(false, args);
            Assert.True(r.ExitCode != 0, r.ToString());
            Assert.Contains($"({errorType})", r.Stderr);
        }

        await Expect("ValidationException", "create-function", "--function-name", "bad name!", "--package-type", "Image", "--code", image, "--role", Role);
        await Expect("ValidationException", "get-function", "--function-name", "arn:aws:lambda:us-east-1:12:function:f");
        await Expect("InvalidParameterValueException", "create-function", "--function-name", "m", "--package-type", "Image", "--code", image, "--role", Role, "--memory-size", "20000");
        await Expect("InvalidParameterValueException", "create-function", "--function-name", "t", "--package-type", "Image", "--code", image, "--role", Role, "--timeout", "901");
        await Expect("ValidationException", "create-function", "--function-name", "r", "--package-type", "Image", "--code", image, "--role", "not-a-role");
        await Expect("InvalidParameterValueException", "create-function", "--function-name", "u", "--package-type", "Image", "--code", "ImageUri=not a uri", "--role", Role);
        await Expect("ResourceNotFoundException", "get-function", "--function-name", "nothing");

        var list = JsonDocument.Parse((await t.LambdaAsync(false, "list-functions")).Stdout).RootElement;
        Assert.Equal(0, list.GetProperty("Functions").GetArrayLength());

        // Wrong secret: refused by SigV4 verification.
        var forged = await t.LambdaWithSecretAsync(false, "wrong-secret", "list-functions");
        Assert.Contains("(InvalidSignatureException)", forged.Stderr);

        // A missing image: created, then Failed with InvalidImage-family reason (AWS reports image problems through the state).
        var created = await t.LambdaAsync(false, "create-function", "--function-name", "missing", "--package-type", "Image",
            "--code", $"ImageUri={t.Authority}/fn/app:nope", "--role", Role);
        Assert.Equal(0, created.ExitCode);
        JsonElement config = default;
        for (var i = 0; i < 120; i++)
        {
            config = JsonDocument.Parse((await t.LambdaAsync(false, "get-function-configuration", "--function-name", "missing")).Stdout).RootElement;
            if (config.GetProperty("State").GetString() != "Pending") break;
            await Task.Delay(250);
        }
        Assert.Equal("Failed", config.GetProperty("State").GetString());
        Assert.Equal("ImageDeleted", config.GetProperty("StateReasonCode").GetString());
        var invoke = await t.LambdaAsync(false, "invoke", "--function-name", "missing", Path.Combine(t.DataDir, "o.json"));
        Assert.Contains("(ResourceConflictException)", invoke.Stderr);
    }

    [Fact]
    public async Task Raw_http_malformed_json_and_oversized_payloads()
    {
        await using var t = await ControlTestHost.StartAsync();
        await t.PushImageAsync("fn/app", "v1", "one");
        var created = await t.LambdaAsync(false, "create-function", "--function-name", "f", "--package-type", "Image",
            "--code", $"ImageUri={t.Authority}/fn/app:v1", "--role", Role);
        Assert.Equal(0, created.ExitCode);
        Assert.Equal(0, (await t.LambdaAsync(false, "wait", "function-active-v2", "--function-name", "f")).ExitCode);

        var big = Path.Combine(t.DataDir, "big.json");
        await File.WriteAllTextAsync(big, "\"" + new string('a', 7 * 1024 * 1024) + "\"");
        var tooBig = await t.LambdaAsync(false, "invoke", "--function-name", "f", "--cli-binary-format", "raw-in-base64-out", "--payload", "fileb://" + big, Path.Combine(t.DataDir, "o.json"));
        Assert.Contains("(RequestTooLargeException)", tooBig.Stderr);

        var asyncBig = Path.Combine(t.DataDir, "async.json");
        await File.WriteAllTextAsync(asyncBig, "\"" + new string('a', 2 * 1024 * 1024) + "\"");
        var tooBigAsync = await t.LambdaAsync(false, "invoke", "--function-name", "f", "--invocation-type", "Event", "--payload", "fileb://" + asyncBig, Path.Combine(t.DataDir, "o.json"));
        Assert.Contains("(RequestTooLargeException)", tooBigAsync.Stderr);

        var notJson = await t.LambdaAsync(false, "invoke", "--function-name", "f", "--cli-binary-format", "raw-in-base64-out", "--payload", "{not json", Path.Combine(t.DataDir, "o.json"));
        Assert.Contains("(InvalidRequestContentException)", notJson.Stderr);
        Assert.Equal(0, t.Invoker.Calls);

        var dry = await t.LambdaAsync(false, "invoke", "--function-name", "f", "--invocation-type", "DryRun", Path.Combine(t.DataDir, "o.json"));
        Assert.Contains("204", dry.Stdout);
        Assert.Equal(0, t.Invoker.Calls);
    }
}
