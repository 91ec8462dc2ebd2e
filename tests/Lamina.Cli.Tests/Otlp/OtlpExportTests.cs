namespace Lamina.Cli.Tests.Otlp;

/// <summary>
/// Telemetry:OtlpEndpoint set: the invoke path's spans reach a real OTLP/HTTP receiver as protobuf. A synchronous
/// invoke arrives as one tree (Invoke → scheduler.acquire → [environment.create →] environment.init, Invoke →
/// environment.invoke → agent.invoke); an Event invoke's run continues the trace of the request that queued it
/// (Invoke → event.run → scheduler.acquire, environment.invoke).
/// </summary>
public sealed class OtlpExportTests(OtlpFixture server) : IClassFixture<OtlpFixture>
{
    [Fact]
    public async Task Sync_and_event_invokes_arrive_at_the_receiver_as_span_trees()
    {
        const string name = "otel";
        var deploy = await server.LaminaAsync("deploy", name, "--image", "cli/echo:v1");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        var sync = await server.LaminaAsync("invoke", name, "--payload", """{"n":1}""");
        Assert.True(sync.ExitCode == 0, sync.ToString());
        var queued = await server.LaminaAsync("invoke", name, "--event", "--payload", """{"n":2}""", "--output", "json");
        Assert.True(queued.ExitCode == 0, queued.ToString());
        var eventRequestId = System.Text.Json.JsonDocument.Parse(queued.Stdout).RootElement.GetProperty("requestId").GetString();
        Assert.Equal(202, System.Text.Json.JsonDocument.Parse(queued.Stdout).RootElement.GetProperty("statusCode").GetInt32());

        // The SDK exports in batches (every few seconds): poll for both server spans and the event's run tree.
        var spans = await WaitForAsync(s =>
            s.Any(x => x.Name == name && x.Attributes.GetValueOrDefault("lamina.invocation_type") == "RequestResponse")
            && s.Any(x => x.Name == "event.run" && x.Attributes.GetValueOrDefault("faas.invocation_id") == eventRequestId)
            && s.Count(x => x.Name == "agent.invoke") >= 2);
        Assert.Empty(server.Receiver.Rejected);

        var root = spans.Single(x => x.Name == name && x.Attributes.GetValueOrDefault("lamina.invocation_type") == "RequestResponse");
        Assert.Equal(OtlpSpan.Server, root.Kind);
        Assert.Equal("", root.ParentSpanId.Trim('0'));
        Assert.Equal("lamina-otlp-test", root.Resource["service.name"]);
        Assert.Equal(name, root.Attributes["faas.name"]);
        Assert.Equal("true", root.Attributes["faas.coldstart"]);
        var acquire = Child(spans, root, "scheduler.acquire");
        // On demand: acquire → environment.create → environment.init; from the spare prewarmed when the function
        // became Active (Execution:PrewarmOnActive; ready or not depending on the once-a-second pass): acquire →
        // environment.init.
        var creates = spans.Where(s => s.TraceId == acquire.TraceId && s.ParentSpanId == acquire.SpanId && s.Name == "environment.create").ToList();
        Assert.True(creates.Count <= 1, $"{creates.Count} environment.create spans under one acquire");
        Child(spans, creates.Count == 1 ? creates[0] : acquire, "environment.init");
        var invoke = Child(spans, root, "environment.invoke");
        Assert.Equal(OtlpSpan.Client, Child(spans, invoke, "agent.invoke").Kind);

        // The Event invoke: its 202 Invoke span is the parent of the run, and the run's work nests under the run.
        var accepted = spans.Single(x => x.Name == name && x.Attributes.GetValueOrDefault("faas.invocation_id") == eventRequestId);
        Assert.Equal("Event", accepted.Attributes["lamina.invocation_type"]);
        var run = Child(spans, accepted, "event.run");
        Assert.Equal(OtlpSpan.Consumer, run.Kind);
        Assert.Equal("1", run.Attributes["lamina.attempt"]);
        Child(spans, run, "scheduler.acquire");
        var eventInvoke = Child(spans, run, "environment.invoke");
        Assert.Equal(eventRequestId, Child(spans, eventInvoke, "agent.invoke").Attributes["faas.invocation_id"]);
        Assert.NotEqual(root.TraceId, accepted.TraceId);
    }

    private async Task<List<OtlpSpan>> WaitForAsync(Func<List<OtlpSpan>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var spans = server.Receiver.Spans.ToList();
            if (done(spans)) return spans;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"after 2 minutes the receiver had {server.Receiver.Requests} requests: "
                    + string.Join(", ", spans.Select(s => s.Name)) + "; rejected: " + string.Join("; ", server.Receiver.Rejected));
            await Task.Delay(250);
        }
    }

    private static OtlpSpan Child(List<OtlpSpan> spans, OtlpSpan parent, string name)
    {
        var children = spans.Where(s => s.TraceId == parent.TraceId && s.ParentSpanId == parent.SpanId && s.Name == name).ToList();
        Assert.True(children.Count == 1, $"{name} under {parent.Name}: {children.Count}; all in the trace: "
            + string.Join(", ", spans.Where(s => s.TraceId == parent.TraceId).Select(s => $"{s.Name}({s.SpanId}<-{s.ParentSpanId})")));
        return children[0];
    }
}
