using System.Text.Json;

namespace Lamina.Control.Tests;

/// <summary>Creates Active functions with the real AWS CLI v2 for the async, logs and metrics tests.</summary>
public static class AsyncTestFunctions
{
    /// <summary>Pushes one image, creates each function and waits until it is Active; returns their ARNs by name.</summary>
    public static async Task<Dictionary<string, string>> CreateAsync(ControlTestHost t, params string[] names)
    {
        await t.PushImageAsync("fn/async", "v1", "async");
        var arns = new Dictionary<string, string>();
        foreach (var name in names)
        {
            var created = await t.LambdaAsync(false, "create-function", "--function-name", name, "--package-type", "Image",
                "--code", $"ImageUri={t.Authority}/fn/async:v1", "--role", "arn:aws:iam::000000000000:role/x");
            Assert.True(created.ExitCode == 0, created.ToString());
            arns[name] = JsonDocument.Parse(created.Stdout).RootElement.GetProperty("FunctionArn").GetString()!;
        }
        foreach (var name in names)
        {
            var waited = await t.LambdaAsync(false, "wait", "function-active-v2", "--function-name", name);
            Assert.True(waited.ExitCode == 0, waited.ToString());
        }
        return arns;
    }

    /// <summary>`aws lambda invoke --invocation-type Event`; asserts the 202.</summary>
    public static async Task InvokeEventAsync(ControlTestHost t, string name, string payload, bool v1 = false)
    {
        var outFile = Path.Combine(t.DataDir, $"event-{Guid.NewGuid():N}.json");
        var args = new List<string> { "invoke", "--function-name", name, "--invocation-type", "Event", "--payload", payload, outFile };
        if (!v1) args.InsertRange(1, ["--cli-binary-format", "raw-in-base64-out"]);
        var r = await t.LambdaAsync(v1, [.. args]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(202, JsonDocument.Parse(r.Stdout).RootElement.GetProperty("StatusCode").GetInt32());
    }
}
