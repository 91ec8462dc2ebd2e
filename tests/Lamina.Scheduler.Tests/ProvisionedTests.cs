using System.Text.Json;
using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>Provisioned concurrency with real environments: allocated ahead of invokes, used first, released on delete.</summary>
public sealed class ProvisionedTests(ExecutionServer server) : IClassFixture<ExecutionServer>
{
    private async Task<JsonElement> ConfigAsync(string function, string qualifier) =>
        JsonDocument.Parse(await server.LambdaAsync(null, "get-provisioned-concurrency-config", "--function-name", function, "--qualifier", qualifier)).RootElement;

    [Fact]
    public async Task A_version_gets_initialised_environments_that_invokes_use_first_and_delete_releases_them()
    {
        await server.CreateFunctionAsync("prov", timeout: 300);
        await server.LambdaAsync(null, "publish-version", "--function-name", "prov");
        var put = JsonDocument.Parse(await server.LambdaAsync(null, "put-provisioned-concurrency-config", "--function-name", "prov",
            "--qualifier", "1", "--provisioned-concurrent-executions", "2")).RootElement;
        Assert.Equal("IN_PROGRESS", put.GetProperty("Status").GetString());

        // IN_PROGRESS → READY once both environments are initialised (polled; no timing asserted).
        JsonElement config;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((config = await ConfigAsync("prov", "1")).GetProperty("Status").GetString() != "READY")
        {
            Assert.NotEqual("FAILED", config.GetProperty("Status").GetString());
            Assert.True(DateTime.UtcNow < deadline, "not READY within 3 minutes: " + config);
            await Task.Delay(200);
        }
        Assert.Equal(2, config.GetProperty("AllocatedProvisionedConcurrentExecutions").GetInt32());
        Assert.Equal(2, config.GetProperty("AvailableProvisionedConcurrentExecutions").GetInt32());
        Assert.Equal(2, server.Scheduler.ProvisionedEnvironmentsOf("prov"));
        Assert.Equal(2, server.Scheduler.LiveEnvironmentsOf("prov"));
        Assert.Empty(server.Telemetry.StreamsOf("prov")); // nothing invoked yet

        // Each invoke lands on a provisioned environment: no new one, and no init duration reported.
        var first = await server.InvokeAsync("prov:1", "{}");
        Assert.Equal(1, first.Json.GetProperty("count").GetInt32());
        var held = server.InvokeAsync("prov:1", """{"wait":1}""");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.InFlight("prov") == 1);
        var second = await server.InvokeAsync("prov:1", "{}");
        server.ReleaseWaiting();
        await held;
        Assert.Equal(2, server.Scheduler.LiveEnvironmentsOf("prov"));
        Assert.All(server.Telemetry.RecordsOf("prov"), r => Assert.Null(r.InitDurationMs));
        Assert.Equal(2, server.Telemetry.StreamsOf("prov").Count);

        // The runtime knows how it was initialised.
        var id = server.Telemetry.StreamsOf("prov")[0][^32..][..Scheduler.SandboxIdLength];
        var spec = File.ReadAllText(Path.Combine(server.Scheduler.Manager.Layout.Bundle(id), "config.json"));
        Assert.Contains("AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency", spec);

        // $LATEST invokes do not use (or count) the version's provisioned environments.
        Assert.Equal(1, (await server.InvokeAsync("prov", "{}")).Json.GetProperty("count").GetInt32());
        Assert.Equal(3, server.Scheduler.LiveEnvironmentsOf("prov"));

        await server.LambdaAsync(null, "delete-provisioned-concurrency-config", "--function-name", "prov", "--qualifier", "1");
        await InvokeTests.WaitUntilAsync(() => server.Scheduler.ProvisionedEnvironmentsOf("prov") == 0 && server.Scheduler.LiveEnvironmentsOf("prov") == 1);
    }

    private const string Boto3Alias = """
        import sys, time, boto3
        lam = boto3.client("lambda", endpoint_url=sys.argv[1])
        lam.publish_version(FunctionName="prov-alias")
        lam.create_alias(FunctionName="prov-alias", Name="live", FunctionVersion="1")
        r = lam.put_provisioned_concurrency_config(FunctionName="prov-alias", Qualifier="live", ProvisionedConcurrentExecutions=1)
        assert r["Status"] in ("IN_PROGRESS", "READY"), r
        deadline = time.time() + 180
        while True:
            c = lam.get_provisioned_concurrency_config(FunctionName="prov-alias", Qualifier="live")
            if c["Status"] == "READY": break
            assert c["Status"] == "IN_PROGRESS" and time.time() < deadline, c
            time.sleep(0.2)
        assert c["AllocatedProvisionedConcurrentExecutions"] == 1, c
        out = lam.invoke(FunctionName="prov-alias", Qualifier="live", Payload=b"{}")
        assert out["ExecutedVersion"] == "1", out
        print(out["Payload"].read().decode())
        """;

    [Fact]
    public async Task Boto3_provisions_an_alias_and_its_invokes_run_there()
    {
        await server.CreateFunctionAsync("prov-alias");
        var payload = JsonDocument.Parse(await server.Boto3Async(Boto3Alias)).RootElement;
        Assert.Equal(1, payload.GetProperty("count").GetInt32());
        Assert.Equal(1, server.Scheduler.ProvisionedEnvironmentsOf("prov-alias"));
        Assert.Equal(1, server.Scheduler.LiveEnvironmentsOf("prov-alias"));
        Assert.All(server.Telemetry.RecordsOf("prov-alias"), r => Assert.Null(r.InitDurationMs));
    }
}
