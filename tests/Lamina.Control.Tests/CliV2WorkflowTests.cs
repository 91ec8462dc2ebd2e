using System.Text;
using System.Text.Json;

namespace Lamina.Control.Tests;

/// <summary>The seed workflow with the real AWS CLI v2 against a real server with SigV4 on, then a restart on the same data directory.</summary>
public sealed class CliV2WorkflowTests
{
    private static JsonElement Json(ToolRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    [Fact]
    public async Task Create_wait_update_publish_alias_invoke_restart_delete()
    {
        await using var t = await ControlTestHost.StartAsync();
        var digest1 = await t.PushImageAsync("fn/app", "v1", "one");
        var image1 = $"{t.Authority}/fn/app:v1";

        var created = Json(await t.LambdaAsync(false, "create-function", "--function-name", "f", "--package-type", "Image",
            "--code", $"ImageUri={image1}", "--role", "arn:aws:iam::000000000000:role/x", "--memory-size", "256", "--timeout", "30",
            "--environment", "Variables={GREETING=hi}", "--tags", "team=a"));
        Assert.Equal("Pending", created.GetProperty("State").GetString());
        Assert.Equal("Creating", created.GetProperty("StateReasonCode").GetString());
        Assert.EndsWith(":function:f", created.GetProperty("FunctionArn").GetString());

        var waited = await t.LambdaAsync(false, "wait", "function-active-v2", "--function-name", "f");
        Assert.True(waited.ExitCode == 0, waited.ToString());
        var got = Json(await t.LambdaAsync(false, "get-function", "--function-name", "f"));
        Assert.Equal("Active", got.GetProperty("Configuration").GetProperty("State").GetString());
        Assert.Equal(256, got.GetProperty("Configuration").GetProperty("MemorySize").GetInt32());
        Assert.Equal("ECR", got.GetProperty("Code").GetProperty("RepositoryType").GetString());
        Assert.Equal($"{t.Authority}/fn/app@{digest1}", got.GetProperty("Code").GetProperty("ResolvedImageUri").GetString());
        Assert.Equal("a", got.GetProperty("Tags").GetProperty("team").GetString());

        // Paging through list-functions, one per page.
        for (var i = 0; i < 2; i++)
        {
            Json(await t.LambdaAsync(false, "create-function", "--function-name", $"g{i}", "--package-type", "Image",
                "--code", $"ImageUri={image1}", "--role", "arn:aws:iam::000000000000:role/x"));
        }
        var listed = Json(await t.LambdaAsync(false, "list-functions", "--page-size", "1"));
        Assert.Equal(["f", "g0", "g1"], listed.GetProperty("Functions").EnumerateArray().Select(f => f.GetProperty("FunctionName").GetString()!).ToArray());

        // Publish version 1, update the code, publish version 2.
        var v1 = Json(await t.LambdaAsync(false, "publish-version", "--function-name", "f"));
        Assert.Equal("1", v1.GetProperty("Version").GetString());
        var digest2 = await t.PushImageAsync("fn/app", "v2", "two");
        var updating = Json(await t.LambdaAsync(false, "update-function-code", "--function-name", "f", "--image-uri", $"{t.Authority}/fn/app:v2"));
        Assert.Equal("InProgress", updating.GetProperty("LastUpdateStatus").GetString());
        Assert.Equal(0, (await t.LambdaAsync(false, "wait", "function-updated-v2", "--function-name", "f")).ExitCode);
        var v2 = Json(await t.LambdaAsync(false, "publish-version", "--function-name", "f", "--description", "second"));
        Assert.Equal("2", v2.GetProperty("Version").GetString());
        Assert.Equal(digest2[7..], v2.GetProperty("CodeSha256").GetString());

        var alias = Json(await t.LambdaAsync(false, "create-alias", "--function-name", "f", "--name", "live", "--function-version", "1",
            "--routing-config", "AdditionalVersionWeights={2=0.5}"));
        Assert.Equal(0.5, alias.GetProperty("RoutingConfig").GetProperty("AdditionalVersionWeights").GetProperty("2").GetDouble());
        var badAlias = await t.LambdaAsync(false, "create-alias", "--function-name", "f", "--name", "bad", "--function-version", "1",
            "--routing-config", "AdditionalVersionWeights={9=0.5}");
        Assert.Contains("ResourceNotFoundException", badAlias.Stderr);

        Assert.Equal(5, Json(await t.LambdaAsync(false, "put-function-concurrency", "--function-name", "f", "--reserved-concurrent-executions", "5"))
            .GetProperty("ReservedConcurrentExecutions").GetInt32());
        var settings = Json(await t.LambdaAsync(false, "get-account-settings"));
        Assert.Equal(1000, settings.GetProperty("AccountLimit").GetProperty("ConcurrentExecutions").GetInt32());
        Assert.Equal(995, settings.GetProperty("AccountLimit").GetProperty("UnreservedConcurrentExecutions").GetInt32());

        var arn = created.GetProperty("FunctionArn").GetString()!;
        Assert.Equal(0, (await t.LambdaAsync(false, "tag-resource", "--resource", arn, "--tags", "env=prod")).ExitCode);
        var tags = Json(await t.LambdaAsync(false, "list-tags", "--resource", arn)).GetProperty("Tags");
        Assert.Equal("prod", tags.GetProperty("env").GetString());
        Assert.Equal("a", tags.GetProperty("team").GetString());

        // Invoke through the alias and by version; the executed version and digest come back from the test invoker.
        var outFile = Path.Combine(t.DataDir, "out.json");
        var invoked = Json(await t.LambdaAsync(false, "invoke", "--function-name", "f", "--qualifier", "1", "--cli-binary-format", "raw-in-base64-out",
            "--payload", """{"x":1}""", "--log-type", "Tail", outFile));
        Assert.Equal(200, invoked.GetProperty("StatusCode").GetInt32());
        Assert.Equal("1", invoked.GetProperty("ExecutedVersion").GetString());
        Assert.Contains("START RequestId", Encoding.UTF8.GetString(Convert.FromBase64String(invoked.GetProperty("LogResult").GetString()!)));
        var output = JsonDocument.Parse(File.ReadAllText(outFile)).RootElement;
        Assert.Equal(digest1, output.GetProperty("digest").GetString());
        Assert.Equal(1, output.GetProperty("event").GetProperty("x").GetInt32());
        var seen = new HashSet<string>();
        for (var i = 0; i < 40 && seen.Count < 2; i++)
        {
            seen.Add(Json(await t.LambdaAsync(false, "invoke", "--function-name", "f:live", outFile)).GetProperty("ExecutedVersion").GetString()!);
        }
        Assert.Equal(["1", "2"], seen.Order().ToArray());
        var failed = Json(await t.LambdaAsync(false, "invoke", "--function-name", "f", "--cli-binary-format", "raw-in-base64-out", "--payload", "\"fail\"", outFile));
        Assert.Equal("Unhandled", failed.GetProperty("FunctionError").GetString());

        // Restart on the same data directory: functions, versions and aliases are still there.
        await t.RestartAsync();
        var versions = Json(await t.LambdaAsync(false, "list-versions-by-function", "--function-name", "f"));
        Assert.Equal(["$LATEST", "1", "2"], versions.GetProperty("Versions").EnumerateArray().Select(v => v.GetProperty("Version").GetString()!).ToArray());
        var aliasAfter = Json(await t.LambdaAsync(false, "get-alias", "--function-name", "f", "--name", "live"));
        Assert.Equal("1", aliasAfter.GetProperty("FunctionVersion").GetString());
        Assert.Equal(5, Json(await t.LambdaAsync(false, "get-function-concurrency", "--function-name", "f")).GetProperty("ReservedConcurrentExecutions").GetInt32());

        Assert.Equal(0, (await t.LambdaAsync(false, "delete-function", "--function-name", "f")).ExitCode);
        var gone = await t.LambdaAsync(false, "get-function", "--function-name", "f");
        Assert.Contains("ResourceNotFoundException", gone.Stderr);
    }
}
