namespace Lamina.Control.Tests;

/// <summary>A subset through boto3 and through the pip CLI v1.</summary>
public sealed class Boto3AndCliV1Tests
{
    private const string Script = """
        import sys, boto3
        from botocore.exceptions import ClientError
        lam = boto3.client("lambda", endpoint_url=sys.argv[1])
        image = sys.argv[2]
        f = lam.create_function(FunctionName="b", PackageType="Image", Code={"ImageUri": image}, Role="arn:aws:iam::000000000000:role/x")
        assert f["State"] == "Pending", f
        lam.get_waiter("function_active_v2").wait(FunctionName="b", WaiterConfig={"Delay": 1, "MaxAttempts": 120})
        got = lam.get_function(FunctionName="b")
        assert got["Configuration"]["State"] == "Active", got
        try:
            lam.create_function(FunctionName="b", PackageType="Image", Code={"ImageUri": image}, Role="arn:aws:iam::000000000000:role/x")
            raise AssertionError("duplicate create succeeded")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ResourceConflictException", e.response
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 409, e.response
        r = lam.invoke(FunctionName="b", Payload=b'{"k":"v"}')
        assert r["StatusCode"] == 200 and b'"k":"v"' in r["Payload"].read(), r
        e = lam.invoke(FunctionName="b", InvocationType="Event", Payload=b'{}')
        assert e["StatusCode"] == 202, e
        lam.put_function_event_invoke_config(FunctionName="b", MaximumRetryAttempts=1)
        assert lam.get_function_event_invoke_config(FunctionName="b")["MaximumRetryAttempts"] == 1
        url = lam.create_function_url_config(FunctionName="b", AuthType="NONE")
        assert url["AuthType"] == "NONE" and url["FunctionUrl"].startswith("http"), url
        lam.delete_function(FunctionName="b")
        try:
            lam.get_function(FunctionName="b")
            raise AssertionError("deleted function still there")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response
        print("OK")
        """;

    [Fact]
    public async Task Boto3_create_wait_invoke_configs_delete()
    {
        await using var t = await ControlTestHost.StartAsync();
        await t.PushImageAsync("fn/app", "v1", "one");
        var script = Path.Combine(t.DataDir, "boto.py");
        await File.WriteAllTextAsync(script, Script);
        var r = await ToolRunner.RunAsync("python3", [script, t.Endpoint, $"{t.Authority}/fn/app:v1"], t.AwsEnv());
        Assert.True(r.ExitCode == 0 && r.Stdout.Contains("OK", StringComparison.Ordinal), r.ToString());
    }

    [Fact]
    public async Task Cli_v1_create_get_list_delete()
    {
        await using var t = await ControlTestHost.StartAsync();
        await t.PushImageAsync("fn/app", "v1", "one");
        var created = await t.LambdaAsync(true, "create-function", "--function-name", "one", "--package-type", "Image",
            "--code", $"ImageUri={t.Authority}/fn/app:v1", "--role", "arn:aws:iam::000000000000:role/x");
        Assert.True(created.ExitCode == 0, created.ToString());
        var got = await t.LambdaAsync(true, "get-function-configuration", "--function-name", "one");
        Assert.Contains("\"FunctionName\": \"one\"", got.Stdout);
        var listed = await t.LambdaAsync(true, "list-functions");
        Assert.Contains("\"one\"", listed.Stdout);
        Assert.Equal(0, (await t.LambdaAsync(true, "delete-function", "--function-name", "one")).ExitCode);
        Assert.DoesNotContain("\"one\"", (await t.LambdaAsync(true, "list-functions")).Stdout);
    }
}
