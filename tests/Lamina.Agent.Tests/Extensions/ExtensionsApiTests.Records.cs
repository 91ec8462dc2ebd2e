namespace Lamina.Agent.Tests.Extensions;

/// <summary>platform.extension (both APIs) after init, and the Logs API's platform.fault when the runtime dies mid-invoke.</summary>
public sealed partial class ExtensionsApiTests
{
    [Fact]
    public async Task A_subscriber_learns_each_registered_extension_with_its_state_and_events()
    {
        await using var agent = await StartAsync();

        using var response = await agent.InvokeAsync("{}");
        var extension = await WaitForTelemetryAsync(r => TypeOf(r) == "platform.extension");
        var record = extension.GetProperty("record");
        Assert.Equal("recorder", record.GetProperty("name").GetString());
        Assert.Equal("Ready", record.GetProperty("state").GetString());
        Assert.Equal(["INVOKE", "SHUTDOWN"], record.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToArray());
        // Reported once init is over, before the init report.
        await WaitForTelemetryAsync(r => TypeOf(r) == "platform.initReport");
        var types = Batches().Select(TypeOf).ToList();
        Assert.True(types.IndexOf("platform.extension") < types.IndexOf("platform.initReport"), string.Join(", ", types));
    }

    [Fact]
    public async Task The_Logs_API_gets_platform_fault_when_the_runtime_exits_during_an_invoke()
    {
        await using var agent = await StartAsync(env: new() { ["EXT_API"] = "logs" });

        using var response = await agent.InvokeAsync("""{"action":"exit","code":3}""");
        var id = response.Headers.GetValues("X-Amzn-RequestId").Single();

        var fault = await WaitForTelemetryAsync(r => TypeOf(r) == "platform.fault");
        Assert.Equal($"RequestId: {id} Error: Runtime exited with error: exit status 3", fault.GetProperty("record").GetString());
        await WaitForTelemetryAsync(r => TypeOf(r) == "platform.extension" && r.GetProperty("record").GetProperty("name").GetString() == "recorder");
        var report = await WaitForTelemetryAsync(r => TypeOf(r) == "platform.report" && r.GetProperty("record").GetProperty("requestId").GetString() == id);
        Assert.True(report.GetProperty("record").GetProperty("metrics").GetProperty("durationMs").GetDouble() >= 0);
    }
}
