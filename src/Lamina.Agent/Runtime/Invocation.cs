namespace Lamina.Agent.Runtime;

/// <summary>
/// One invoke as the runtime sees it on /next, plus the promise its answer completes.
/// Header values are validated by the caller (no CR/LF), so they can go on the wire as they are.
/// </summary>
internal sealed class Invocation
{
    public required string RequestId { get; init; }

    public required byte[] Payload { get; init; }

    /// <summary>Absolute deadline in Unix epoch milliseconds (Lambda-Runtime-Deadline-Ms).</summary>
    public long DeadlineMs { get; set; }

    public required string FunctionArn { get; init; }

    public required string TraceId { get; init; }

    /// <summary>The decoded client context JSON, or null.</summary>
    public string? ClientContext { get; init; }

    public string? CognitoIdentity { get; init; }

    public string? TenantId { get; init; }

    /// <summary>Set when the caller wants a streamed answer as it is written (InvokeWithResponseStream through the
    /// control channel); null for a buffered invoke, where a streamed response is collected into one body.</summary>
    public ResponseSink? Sink { get; init; }

    /// <summary>A fresh id for this attempt (Lambda-Runtime-Invocation-Id). A runtime that echoes it on
    /// /response or /error can never answer a different attempt of the same request id by mistake.</summary>
    public string InvocationId { get; } = Uuid.NewString();

    /// <summary>Completed once, by the runtime's /response or /error. Continuations run synchronously: the
    /// caller's answer is written on the runtime's request thread without a thread-pool hop (measured in
    /// bench/agent; the completion is always signalled outside any lock).</summary>
    public TaskCompletionSource<InvocationResult> Completion { get; } = new(TaskCreationOptions.None);
}
