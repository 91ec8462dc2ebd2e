using System.Collections.Concurrent;
using System.Diagnostics;

namespace Lamina.Cli.Tests;

/// <summary>
/// The OpenTelemetry spans of the invoke path, seen by an <see cref="ActivityListener"/> in the server's process
/// while <c>lamina invoke</c> runs as a separate process: a cold invoke is
/// Invoke → scheduler.acquire → environment.create → environment.init (or → environment.init alone when the
/// function's prewarmed spare serves it), then Invoke → environment.invoke → agent.invoke; a warm one has no
/// environment.create; FaaS attributes on the server span.
/// </summary>
public sealed class InvokeTracingTests : IClassFixture<DeployFixture>, IDisposable
{
    private static readonly HashSet<string> Sources = ["Lamina.Control", "Lamina.Scheduler", "Lamina.Environments"];
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private readonly DeployFixture _server;

    public InvokeTracingTests(DeployFixture server)
    {
        _server = server;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => Sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task A_cold_and_a_warm_invoke_give_the_span_tree_with_faas_attributes()
    {
        const string name = "traced";
        var deploy = await _server.LaminaAsync("deploy", name, "--image", "cli/echo:v1");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());

        var cold = await _server.LaminaAsync("invoke", name, "--payload", """{"n":1}""");
        Assert.True(cold.ExitCode == 0, cold.ToString());
        var warm = await _server.LaminaAsync("invoke", name, "--payload", """{"n":2}""");
        Assert.True(warm.ExitCode == 0, warm.ToString());
        Assert.Contains("warm", warm.Stderr, StringComparison.Ordinal);

        var roots = await RootsAsync(name, 2);
        var (first, second) = (roots[0], roots[1]);

        // The server span: named after the function, FaaS and cloud attributes.
        Assert.Equal(ActivityKind.Server, first.Kind);
        Assert.Equal(name, first.DisplayName);
        Assert.Equal(name, first.GetTagItem("faas.name"));
        Assert.Equal("$LATEST", first.GetTagItem("faas.version"));
        Assert.Matches("^[0-9a-f-]{36}$", (string)first.GetTagItem("faas.invocation_id")!);
        Assert.NotEqual(first.GetTagItem("faas.invocation_id"), second.GetTagItem("faas.invocation_id"));
        Assert.EndsWith(":function:" + name, (string)first.GetTagItem("cloud.resource_id")!, StringComparison.Ordinal);
        Assert.Equal(_server.Host.Credentials.Region, first.GetTagItem("cloud.region"));
        Assert.Equal(_server.Host.Credentials.AccountId, first.GetTagItem("cloud.account.id"));
        Assert.Equal(true, first.GetTagItem("faas.coldstart"));
        Assert.Equal(false, second.GetTagItem("faas.coldstart"));

        // Cold: acquire (cold) → environment.create → environment.init when the sandbox is made on demand, or
        // acquire → environment.init when the spare made as the function became Active (Execution:PrewarmOnActive)
        // was ready in time: which one happens depends on the prewarm pass (once a second), so both are checked.
        // Then environment.invoke → agent.invoke.
        var acquire = Single(first, "scheduler.acquire");
        Assert.Equal(true, acquire.GetTagItem("faas.coldstart"));
        var environmentId = (string)acquire.GetTagItem("lamina.environment.id")!;
        Assert.False(string.IsNullOrEmpty(environmentId), "the cold acquire names its environment");
        var creates = ChildrenOf(acquire).Where(a => a.OperationName == "environment.create").ToArray();
        Assert.True(creates.Length <= 1, $"{creates.Length} environment.create spans under one acquire");
        if (creates.Length == 1) Assert.Equal(environmentId, creates[0].GetTagItem("lamina.environment.id"));
        var init = Single(creates.Length == 1 ? creates[0] : acquire, "environment.init");
        Assert.Equal(environmentId, init.GetTagItem("lamina.environment.id"));
        var invoke = Single(first, "environment.invoke");
        var agent = Single(invoke, "agent.invoke");
        Assert.Equal(ActivityKind.Client, agent.Kind);
        Assert.Equal(first.GetTagItem("faas.invocation_id"), agent.GetTagItem("faas.invocation_id"));
        Assert.True(acquire.StartTimeUtc <= invoke.StartTimeUtc, "the environment is acquired before it is invoked");

        // Warm: the same environment, nothing created.
        var warmAcquire = Single(second, "scheduler.acquire");
        Assert.Equal(false, warmAcquire.GetTagItem("faas.coldstart"));
        Assert.Equal(environmentId, warmAcquire.GetTagItem("lamina.environment.id"));
        Assert.Empty(ChildrenOf(warmAcquire));
        Assert.Equal(environmentId, Single(second, "environment.invoke").GetTagItem("lamina.environment.id"));
        Assert.All(_stopped.Where(a => a.TraceId == first.TraceId || a.TraceId == second.TraceId),
            a => Assert.Equal(ActivityStatusCode.Unset, a.Status));
    }

    /// <summary>The Invoke server spans of <paramref name="function"/> in start order, once <paramref name="count"/> have stopped.</summary>
    private async Task<Activity[]> RootsAsync(string function, int count)
    {
        // The server span stops after the answer is written: the CLI can exit a moment before.
        for (var i = 0; i < 100; i++)
        {
            var roots = _stopped.Where(a => a.OperationName == "Invoke" && (string?)a.GetTagItem("faas.name") == function)
                .OrderBy(a => a.StartTimeUtc).ToArray();
            if (roots.Length >= count) return roots;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"fewer than {count} Invoke spans of {function}: {string.Join(", ", _stopped.Select(a => a.OperationName))}");
    }

    private Activity[] ChildrenOf(Activity parent) => [.. _stopped.Where(a => a.ParentSpanId == parent.SpanId && a.TraceId == parent.TraceId)];

    private Activity Single(Activity parent, string operation)
    {
        var children = ChildrenOf(parent).Where(a => a.OperationName == operation).ToArray();
        Assert.True(children.Length == 1, $"{operation} under {parent.OperationName}: {children.Length} spans; children: "
            + string.Join(", ", ChildrenOf(parent).Select(a => a.OperationName)));
        return children[0];
    }

    public void Dispose() => _listener.Dispose();
}
