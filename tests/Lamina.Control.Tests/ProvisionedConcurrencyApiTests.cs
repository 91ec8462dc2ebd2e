using System.Text.Json;

namespace Lamina.Control.Tests;

/// <summary>
/// Put/Get/Delete/ListProvisionedConcurrencyConfig(s) on the wire with the real CLI v2 and boto3 (the test invoker
/// runs no scheduler, so a configuration stays IN_PROGRESS here; tests/Lamina.Scheduler.Tests proves READY).
/// </summary>
public sealed class ProvisionedConcurrencyApiTests
{
    private static JsonElement Json(ToolRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    private static async Task<ControlTestHost> StartWithVersionAndAliasAsync()
    {
        var t = await ControlTestHost.StartAsync();
        await t.PushImageAsync("fn/app", "v1", "one");
        Json(await t.LambdaAsync(false, "create-function", "--function-name", "p", "--package-type", "Image",
            "--code", $"ImageUri={t.Authority}/fn/app:v1", "--role", "arn:aws:iam::000000000000:role/x"));
        Assert.Equal(0, (await t.LambdaAsync(false, "wait", "function-active-v2", "--function-name", "p")).ExitCode);
        Json(await t.LambdaAsync(false, "publish-version", "--function-name", "p"));
        Json(await t.LambdaAsync(false, "create-alias", "--function-name", "p", "--name", "live", "--function-version", "1"));
        return t;
    }

    [Fact]
    public async Task Cli_v2_put_get_list_delete_with_aws_shapes()
    {
        await using var t = await StartWithVersionAndAliasAsync();
        var put = Json(await t.LambdaAsync(false, "put-provisioned-concurrency-config", "--function-name", "p", "--qualifier", "1",
            "--provisioned-concurrent-executions", "2"));
        Assert.Equal(2, put.GetProperty("RequestedProvisionedConcurrentExecutions").GetInt32());
        Assert.Equal(0, put.GetProperty("AllocatedProvisionedConcurrentExecutions").GetInt32());
        Assert.Equal(0, put.GetProperty("AvailableProvisionedConcurrentExecutions").GetInt32());
        Assert.Equal("IN_PROGRESS", put.GetProperty("Status").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$", put.GetProperty("LastModified").GetString());

        Json(await t.LambdaAsync(false, "put-provisioned-concurrency-config", "--function-name", "p", "--qualifier", "live",
            "--provisioned-concurrent-executions", "1"));
        var got = Json(await t.LambdaAsync(false, "get-provisioned-concurrency-config", "--function-name", "p", "--qualifier", "1"));
        Assert.Equal(2, got.GetProperty("RequestedProvisionedConcurrentExecutions").GetInt32());

        var listed = Json(await t.LambdaAsync(false, "list-provisioned-concurrency-configs", "--function-name", "p"))
            .GetProperty("ProvisionedConcurrencyConfigs").EnumerateArray().ToList();
        Assert.Equal(2, listed.Count);
        Assert.EndsWith(":function:p:1", listed[0].GetProperty("FunctionArn").GetString());
        Assert.EndsWith(":function:p:live", listed[1].GetProperty("FunctionArn").GetString());
        // Paged one at a time, the CLI follows NextMarker.
        var paged = Json(await t.LambdaAsync(false, "list-provisioned-concurrency-configs", "--function-name", "p", "--page-size", "1"));
        Assert.Equal(2, paged.GetProperty("ProvisionedConcurrencyConfigs").GetArrayLength());

        Assert.Equal(0, (await t.LambdaAsync(false, "delete-provisioned-concurrency-config", "--function-name", "p", "--qualifier", "1")).ExitCode);
        var gone = await t.LambdaAsync(false, "get-provisioned-concurrency-config", "--function-name", "p", "--qualifier", "1");
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("ProvisionedConcurrencyConfigNotFoundException", gone.Stderr);
        var again = await t.LambdaAsync(false, "delete-provisioned-concurrency-config", "--function-name", "p", "--qualifier", "1");
        Assert.Contains("ProvisionedConcurrencyConfigNotFoundException", again.Stderr);
        Assert.Single(Json(await t.LambdaAsync(false, "list-provisioned-concurrency-configs", "--function-name", "p"))
            .GetProperty("ProvisionedConcurrencyConfigs").EnumerateArray());
    }

    private const string BadInput = """
        import sys, boto3
        from botocore.config import Config
        from botocore.exceptions import ClientError
        lam = boto3.client("lambda", endpoint_url=sys.argv[1], config=Config(parameter_validation=False))
        def refused(code, status, **kw):
            try:
                lam.put_provisioned_concurrency_config(FunctionName="p", **kw)
            except ClientError as e:
                assert e.response["Error"]["Code"] == code, (kw, e.response)
                assert e.response["ResponseMetadata"]["HTTPStatusCode"] == status, (kw, e.response)
                return e.response["Error"]["Message"]
            raise AssertionError(f"accepted {kw}")
        assert "unpublished" in refused("InvalidParameterValueException", 400, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1)
        refused("ValidationException", 400, Qualifier="1", ProvisionedConcurrentExecutions=0)
        refused("ResourceNotFoundException", 404, Qualifier="nosuchalias", ProvisionedConcurrentExecutions=1)
        refused("ResourceNotFoundException", 404, Qualifier="9", ProvisionedConcurrentExecutions=1)
        lam.put_function_concurrency(FunctionName="p", ReservedConcurrentExecutions=2)
        lam.put_provisioned_concurrency_config(FunctionName="p", Qualifier="live", ProvisionedConcurrentExecutions=1)
        assert "reservedConcurrentExecution" in refused("InvalidParameterValueException", 400, Qualifier="1", ProvisionedConcurrentExecutions=2)
        try:
            lam.get_provisioned_concurrency_config(FunctionName="p", Qualifier="1")
            raise AssertionError("a refused put was stored")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ProvisionedConcurrencyConfigNotFoundException", e.response
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404, e.response
        r = lam.put_provisioned_concurrency_config(FunctionName="p", Qualifier="1", ProvisionedConcurrentExecutions=1)
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 202 and r["Status"] == "IN_PROGRESS", r
        configs = lam.list_provisioned_concurrency_configs(FunctionName="p")["ProvisionedConcurrencyConfigs"]
        assert sorted(c["RequestedProvisionedConcurrentExecutions"] for c in configs) == [1, 1], configs
        print("OK")
        """;

    [Fact]
    public async Task Boto3_bad_input_gets_aws_errors_and_stores_nothing()
    {
        await using var t = await StartWithVersionAndAliasAsync();
        var script = Path.Combine(t.DataDir, "pc.py");
        await File.WriteAllTextAsync(script, BadInput);
        var r = await ToolRunner.RunAsync("python3", [script, t.Endpoint], t.AwsEnv());
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("OK", StringComparison.Ordinal), r.ToString());
    }
}
