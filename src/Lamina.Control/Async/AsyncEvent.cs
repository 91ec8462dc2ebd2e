using Lamina.Control.Domain;

namespace Lamina.Control.Async;

/// <summary>One stored Event invocation (a row of async.db's <c>events</c>).</summary>
/// <param name="Id">Queue position (insertion order).</param>
/// <param name="RequestId">The request id the API answered 202 with.</param>
/// <param name="Qualifier">The qualifier as invoked (alias, version, or null): it selects the event invoke config.</param>
/// <param name="InvokedArn">The ARN as invoked.</param>
/// <param name="Function">The version resolved when the event was accepted.</param>
/// <param name="Payload">The event.</param>
/// <param name="ClientContext">X-Amz-Client-Context, passed through.</param>
/// <param name="EnqueuedAt">When the API accepted it (the start of its maximum age).</param>
/// <param name="Retries">Function errors so far (compared with MaximumRetryAttempts).</param>
/// <param name="InvokeCount">Every attempt so far, throttled and platform failures included (approximateInvokeCount).</param>
public sealed record AsyncEvent(
    long Id,
    string RequestId,
    string? Qualifier,
    string InvokedArn,
    FunctionConfig Function,
    byte[] Payload,
    string? ClientContext,
    DateTimeOffset EnqueuedAt,
    int Retries,
    int InvokeCount)
{
    /// <summary>
    /// The W3C traceparent of the span that accepted the event (the Invoke API span), or null when nobody traced it:
    /// the parent of each run's <c>event.run</c> span, so an Event invoke is one trace from 202 to its last attempt.
    /// </summary>
    public string? TraceParent { get; init; }
}
