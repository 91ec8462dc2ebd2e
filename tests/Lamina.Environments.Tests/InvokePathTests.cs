using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Sandbox;

namespace Lamina.Environments.Tests;

/// <summary>
/// Buffered and streamed invokes share one path: both are thawed, answered, frozen after answering and traced; and
/// the host keeps the function's deadline when the agent cannot (here: the agent is stopped with SIGSTOP).
/// </summary>
public sealed class InvokePathTests(PulledImageFixture image) : IClassFixture<PulledImageFixture>
{
    private static readonly FunctionConfig Echo = new("echo-fn", MemoryMb: 256, TimeoutSeconds: 30);

    private static byte[] Json(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task A_streamed_invoke_is_frozen_after_answering_and_traced_like_a_buffered_one()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var env = await h.StartAsync(image, Echo);
        using var spans = new SpanRecorder(env.Sandbox.Id);

        var pieces = new List<string>();
        var (streamed, error) = await env.InvokeStreamingAsync(Json("\"stream\""), "req-streamed",
            (piece, _) => { pieces.Add(Encoding.UTF8.GetString(piece.Span)); return ValueTask.CompletedTask; });
        Assert.Null(error);
        Assert.Equal(200, streamed!.StatusCode);
        Assert.Null(streamed.FunctionError);
        Assert.Equal("part1;part2;part3", string.Concat(pieces));
        await env.SettledAsync();
        Assert.Equal(SandboxState.Frozen, env.Sandbox.State);
        Assert.Equal("FROZEN", h.FreezerState(env));

        var (buffered, bufferedError) = await env.InvokeAsync(Json("\"plain\""), "req-buffered");
        Assert.Null(bufferedError);
        Assert.Equal("plain", JsonDocument.Parse(buffered!.Payload).RootElement.GetProperty("echo").GetString());
        await env.SettledAsync();
        Assert.Equal("FROZEN", h.FreezerState(env));

        // Each invoke has its environment.invoke span with the agent round trip under it, streamed or not.
        foreach (var (id, isStreamed) in new[] { ("req-streamed", true), ("req-buffered", false) })
        {
            var agent = Assert.Single(spans.Stopped, a => a.OperationName == "agent.invoke" && (string?)a.GetTagItem("faas.invocation_id") == id);
            var invoke = Assert.Single(spans.Stopped, a => a.OperationName == "environment.invoke" && a.SpanId == agent.ParentSpanId);
            Assert.Equal(isStreamed, invoke.GetTagItem("lamina.invoke.streamed"));
            Assert.Equal(ActivityStatusCode.Unset, invoke.Status);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_agent_that_does_not_answer_is_killed_at_the_deadline_and_the_host_answers_Sandbox_Timedout(bool streamed)
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var env = await h.StartAsync(image, Echo with { TimeoutSeconds = 2 });
        var (warm, _) = await env.InvokeAsync(Json("\"warm\""), "req-warm");
        Assert.Equal(200, warm!.StatusCode);
        using var spans = new SpanRecorder(env.Sandbox.Id);

        // A starved agent, made certain: it cannot run at all, so only the host can end this invoke.
        await env.SettledAsync();
        Signal("STOP", env.Sandbox.Pid);
        var clock = Stopwatch.StartNew();
        var (answer, error) = streamed
            ? await env.InvokeStreamingAsync(Json("\"hang\""), "req-silent", (_, _) => ValueTask.CompletedTask)
            : await env.InvokeAsync(Json("\"hang\""), "req-silent");
        clock.Stop();

        Assert.Equal(408, answer!.StatusCode);
        Assert.Equal("Unhandled", answer.FunctionError);
        var payload = JsonDocument.Parse(answer.Payload).RootElement;
        Assert.Equal("Sandbox.Timedout", payload.GetProperty("errorType").GetString());
        Assert.Equal("RequestId: req-silent Error: Task timed out after 2.00 seconds", payload.GetProperty("errorMessage").GetString());
        Assert.Equal(EnvironmentErrorCode.Gone, error!.Code);
        Assert.True(error.MayHaveRun);
        // Not before the deadline (timeout 2 s; the grace comes on top); the upper bound is only "well before the old 30 s slack".
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(25));

        // Every process of the sandbox is gone; the log has the lines the agent would have written.
        await env.Sandbox.Exited.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(SandboxCgroups.ProcessIds(h.CgroupParent, env.Sandbox.Id));
        var log = File.ReadAllLines(env.Sandbox.StdoutPath);
        Assert.Single(log, l => l.EndsWith(" req-silent Task timed out after 2.00 seconds", StringComparison.Ordinal));
        Assert.Single(log, l => l == "END RequestId: req-silent");
        var report = Assert.Single(log, l => l.StartsWith("REPORT RequestId: req-silent\t", StringComparison.Ordinal));
        Assert.Contains("\tDuration: 2000.00 ms\tBilled Duration: 2000 ms\tMemory Size: 256 MB\t", report);
        Assert.EndsWith("\tStatus: timeout", report);
        var used = int.Parse(report.Split("Max Memory Used: ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(used, 1, 256);
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(spans.Stopped, a => a.OperationName == "environment.invoke").Status);

        // The environment is spent: the caller replaces it.
        var (after, afterError) = await env.InvokeAsync(Json("\"after\""));
        Assert.Null(after);
        Assert.Equal(EnvironmentErrorCode.Gone, afterError!.Code);
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The Lamina.Environments spans of one sandbox, as they stop (other tests run in parallel).</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();

        public SpanRecorder(string sandboxId)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == EnvironmentTracing.SourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a => { if ((string?)a.GetTagItem("lamina.environment.id") == sandboxId) _stopped.Enqueue(a); },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Stopped => [.. _stopped];

        public void Dispose() => _listener.Dispose();
    }
}
