using System.Text.Json;

namespace Lamina.Control.Tests;

/// <summary>Update outcomes, publishing rules, URL and event-invoke configurations, and the production default invoker.</summary>
public sealed class UpdateAndConfigTests
{
    private const string Role = "arn:aws:iam::000000000000:role/x";

    private static JsonElement Json(ToolRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    private static async Task<string> CreateActiveAsync(ControlTestHost t, string name)
    {
        var digest = await t.PushImageAsync("fn/app", "v1", "one");
        Json(await t.LambdaAsync(false, "create-function", "--function-name", name, "--package-type", "Image",
            "--code", $"ImageUri={t.Authority}/fn/app:v1", "--role", Role));
        var waited = await t.LambdaAsync(false, "wait", "function-active-v2", "--function-name", name);
        Assert.True(waited.ExitCode == 0, waited.ToString());
        return digest;
    }

    [Fact]
    public async Task Failed_code_update_keeps_serving_the_old_image_and_publishing_twice_gives_one_version()
    {
        await using var t = await ControlTestHost.StartAsync();
        var digest = await CreateActiveAsync(t, "f");

        Assert.Equal("1", Json(await t.LambdaAsync(false, "publish-version", "--function-name", "f")).GetProperty("Version").GetString());
        Assert.Equal("1", Json(await t.LambdaAsync(false, "publish-version", "--function-name", "f")).GetProperty("Version").GetString());

        Json(await t.LambdaAsync(false, "update-function-code", "--function-name", "f", "--image-uri", $"{t.Authority}/fn/app:missing"));
        JsonElement config = default;
        for (var i = 0; i < 120; i++)
        {
            config = Json(await t.LambdaAsync(false, "get-function", "--function-name", "f"));
            if (config.GetProperty("Configuration").GetProperty("LastUpdateStatus").GetString() != "InProgress") break;
            await Task.Delay(250);
        }
        var c = config.GetProperty("Configuration");
        Assert.Equal("Failed", c.GetProperty("LastUpdateStatus").GetString());
        Assert.Equal("ImageDeleted", c.GetProperty("LastUpdateStatusReasonCode").GetString());
        Assert.Equal("Active", c.GetProperty("State").GetString());
        Assert.Equal($"{t.Authority}/fn/app:v1", config.GetProperty("Code").GetProperty("ImageUri").GetString());
        Assert.Equal($"{t.Authority}/fn/app@{digest}", config.GetProperty("Code").GetProperty("ResolvedImageUri").GetString());

        var outFile = Path.Combine(t.DataDir, "o.json");
        Json(await t.LambdaAsync(false, "invoke", "--function-name", "f", outFile));
        Assert.Equal(digest, JsonDocument.Parse(File.ReadAllText(outFile)).RootElement.GetProperty("digest").GetString());

        // A configuration update goes InProgress → Successful and changes what GetFunctionConfiguration reports.
        Json(await t.LambdaAsync(false, "update-function-configuration", "--function-name", "f", "--memory-size", "512", "--description", "d"));
        Assert.Equal(0, (await t.LambdaAsync(false, "wait", "function-updated-v2", "--function-name", "f")).ExitCode);
        var after = Json(await t.LambdaAsync(false, "get-function-configuration", "--function-name", "f"));
        Assert.Equal(512, after.GetProperty("MemorySize").GetInt32());
        Assert.Equal("Successful", after.GetProperty("LastUpdateStatus").GetString());

        // Stale RevisionId is refused.
        var stale = await t.LambdaAsync(false, "update-function-configuration", "--function-name", "f", "--timeout", "10", "--revision-id", "nope");
        Assert.Contains("(PreconditionFailedException)", stale.Stderr);
    }

    [Fact]
    public async Task Url_and_event_invoke_configs_round_trip()
    {
        await using var t = await ControlTestHost.StartAsync();
        await CreateActiveAsync(t, "f");
        var url = Json(await t.LambdaAsync(false, "create-function-url-config", "--function-name", "f", "--auth-type", "AWS_IAM"));
        Assert.Equal("AWS_IAM", url.GetProperty("AuthType").GetString());
        Assert.Contains("(ResourceConflictException)", (await t.LambdaAsync(false, "create-function-url-config", "--function-name", "f", "--auth-type", "NONE")).Stderr);
        Assert.Equal("NONE", Json(await t.LambdaAsync(false, "update-function-url-config", "--function-name", "f", "--auth-type", "NONE")).GetProperty("AuthType").GetString());
        Assert.Single(Json(await t.LambdaAsync(false, "list-function-url-configs", "--function-name", "f")).GetProperty("FunctionUrlConfigs").EnumerateArray());
        Assert.Equal(0, (await t.LambdaAsync(false, "delete-function-url-config", "--function-name", "f")).ExitCode);
        Assert.Contains("(ResourceNotFoundException)", (await t.LambdaAsync(false, "get-function-url-config", "--function-name", "f")).Stderr);

        Json(await t.LambdaAsync(false, "put-function-event-invoke-config", "--function-name", "f", "--maximum-retry-attempts", "0", "--maximum-event-age-in-seconds", "120"));
        var updated = Json(await t.LambdaAsync(false, "update-function-event-invoke-config", "--function-name", "f", "--maximum-retry-attempts", "2"));
        Assert.Equal(2, updated.GetProperty("MaximumRetryAttempts").GetInt32());
        Assert.Equal(120, updated.GetProperty("MaximumEventAgeInSeconds").GetInt32());
        Assert.Contains("ValidationException", (await t.LambdaAsync(false, "put-function-event-invoke-config", "--function-name", "f", "--maximum-event-age-in-seconds", "30000")).Stderr);
    }

    [Fact]
    public async Task Without_a_scheduler_invoke_says_no_execution_environments_are_configured()
    {
        await using var t = await ControlTestHost.StartAsync(testInvoker: false);
        await CreateActiveAsync(t, "f");
        var r = await t.LambdaAsync(false, "invoke", "--function-name", "f", Path.Combine(t.DataDir, "o.json"));
        Assert.Contains("(ServiceException)", r.Stderr);
        Assert.Contains("no execution environments are configured on this server yet", r.Stderr);
    }
}
