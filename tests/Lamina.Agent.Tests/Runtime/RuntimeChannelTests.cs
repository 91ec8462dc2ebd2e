using Lamina.Agent.Runtime;

namespace Lamina.Agent.Tests.Runtime;

/// <summary>The Runtime API state machine without sockets.</summary>
public sealed class RuntimeChannelTests
{
    private static Invocation NewInvocation(string id) => new()
    {
        RequestId = id,
        Payload = [1],
        FunctionArn = "arn",
        TraceId = "t",
    };

    [Fact]
    public async Task First_next_ends_init_and_waits_for_the_delivered_invocation()
    {
        var channel = new RuntimeChannel();

        Assert.Equal(RuntimeApiError.None, channel.Next(out var next));
        Assert.Equal(InitOutcomeKind.Ready, (await channel.Initialized).Kind);
        Assert.False(next!.IsCompleted);
        channel.Deliver(NewInvocation("a"));

        Assert.Equal("a", (await next).RequestId);
        Assert.Equal(RuntimePhase.Invoking, channel.Phase);
    }

    [Fact]
    public async Task Invocation_delivered_before_next_is_handed_over_by_the_next_next()
    {
        var channel = new RuntimeChannel();
        channel.Next(out var first);
        channel.Deliver(NewInvocation("a"));
        var a = await first!;
        Assert.Equal(RuntimeApiError.None, channel.Answer("a", new InvocationResult([2])));
        Assert.Equal([2], (await a.Completion.Task).Body);

        channel.Deliver(NewInvocation("b"));

        Assert.Equal(RuntimeApiError.None, channel.Next(out var second));
        Assert.Equal("b", (await second!).RequestId);
        Assert.Equal(RuntimeApiError.InvalidStateTransition, channel.Next(out _));
    }

    [Fact]
    public void Refusals_follow_the_state_table()
    {
        var channel = new RuntimeChannel();
        Assert.Equal(RuntimeApiError.InvalidStateTransition, channel.Answer("x", new InvocationResult([])));
        channel.Next(out _);
        Assert.Equal(RuntimeApiError.InvalidStateTransition, channel.InitError(new InvocationResult([], "Runtime.X")));
        Assert.Equal(RuntimeApiError.InvalidStateTransition, channel.Next(out _));
        Assert.Equal(RuntimeApiError.InvalidRequestId, channel.Answer("x", new InvocationResult([])));
        channel.Deliver(NewInvocation("a"));
        Assert.Equal(RuntimeApiError.InvalidRequestId, channel.Answer("x", new InvocationResult([])));
        Assert.Equal(RuntimeApiError.None, channel.Answer("a", new InvocationResult([])));
        Assert.Equal(RuntimeApiError.InvalidStateTransition, channel.Answer("a", new InvocationResult([])));
        Assert.Throws<InvalidOperationException>(() =>
        {
            channel.Deliver(NewInvocation("b"));
            channel.Deliver(NewInvocation("c"));
        });
    }

    [Fact]
    public async Task Answers_must_echo_the_attempts_invocation_id_when_they_carry_one()
    {
        var channel = new RuntimeChannel();
        channel.Next(out var next);
        var first = NewInvocation("a");
        var retry = NewInvocation("a");
        Assert.NotEqual(first.InvocationId, retry.InvocationId);
        channel.Deliver(retry);

        Assert.Same(retry, await next!);
        Assert.Equal(RuntimeApiError.InvalidInvocationId, channel.Answer("a", new InvocationResult([1]), first.InvocationId));
        Assert.False(retry.Completion.Task.IsCompleted);
        Assert.Equal(RuntimeApiError.None, channel.Answer("a", new InvocationResult([2]), retry.InvocationId));
        Assert.Equal([2], (await retry.Completion.Task).Body);
    }

    [Fact]
    public async Task An_answer_after_the_timeout_is_refused_and_never_completes_the_invocation()
    {
        var channel = new RuntimeChannel();
        channel.Next(out var next);
        var invocation = NewInvocation("slow");
        channel.Deliver(invocation);
        await next!;

        Assert.True(channel.TimeOut());
        Assert.Equal(RuntimeApiError.InvocationTimedOut, channel.Answer("slow", new InvocationResult([1])));
        Assert.Equal(RuntimeApiError.InvocationTimedOut, channel.Answer("slow", new InvocationResult([1], "Function.X"), invocation.InvocationId));
        Assert.False(invocation.Completion.Task.IsCompleted);
        Assert.Equal(RuntimePhase.Closed, channel.Phase);
        Assert.False(channel.TimeOut());

        // Answered first: the deadline passing afterwards changes nothing.
        var quick = new RuntimeChannel();
        quick.Next(out var quickNext);
        quick.Deliver(NewInvocation("q"));
        await quickNext!;
        Assert.Equal(RuntimeApiError.None, quick.Answer("q", new InvocationResult([3])));
        Assert.False(quick.TimeOut());
    }

    [Fact]
    public async Task Init_error_fails_init_and_close_releases_a_waiting_next()
    {
        var failing = new RuntimeChannel();
        Assert.Equal(RuntimeApiError.None, failing.InitError(new InvocationResult([7], "Runtime.Bad")));
        var outcome = await failing.Initialized;
        Assert.Equal(InitOutcomeKind.Failed, outcome.Kind);
        Assert.Equal([7], outcome.Error!.Body);
        Assert.Equal(RuntimeApiError.InvalidStateTransition, failing.Next(out _));

        var closing = new RuntimeChannel();
        closing.Next(out var waiting);
        closing.Close();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting!);
        Assert.Equal(RuntimeApiError.InvalidStateTransition, RuntimeChannel.CreateClosed().Next(out _));
    }

    [Theory]
    [InlineData("Function.MyError", "Function.MyError")]
    [InlineData("Runtime.ConfigError", "Runtime.ConfigError")]
    [InlineData("Error", "Runtime.Unknown")]
    [InlineData(null, "Runtime.Unknown")]
    [InlineData("", "Runtime.Unknown")]
    [InlineData("Function.lowercase", "Function.Unknown")]
    [InlineData("Function.With.Dots", "Function.Unknown")]
    [InlineData("Runtime.1", "Runtime.Unknown")]
    [InlineData("Sandbox.Timedout", "Runtime.Unknown")]
    public void Error_types_are_normalised(string? posted, string expected) =>
        Assert.Equal(expected, RuntimeErrorTypes.Normalise(posted));
}
