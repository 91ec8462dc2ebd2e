using System.Diagnostics;
using Lamina.Aws;
using Lamina.Control.Domain;
using Lamina.Control.Invoke;

namespace Lamina.Control.Diagnostics;

/// <summary>
/// The root of an invocation's trace: one server span per Invoke request, with the OpenTelemetry FaaS and
/// cloud attributes. Children come from the scheduler (<c>Lamina.Scheduler</c>: acquire, cold or warm) and the
/// environments (<c>Lamina.Environments</c>: create, init, invoke, the agent round trip). Plain
/// <see cref="ActivitySource"/>: without a listener (an OpenTelemetry SDK, a test's ActivityListener) nothing is
/// allocated; the exporter is the host's choice.
/// </summary>
public static class InvokeTracing
{
    /// <summary>The name listeners subscribe to for the API spans.</summary>
    public const string SourceName = "Lamina.Control";

    /// <summary>The source of the Invoke server spans.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the server span of an Invoke request (null when nobody listens).</summary>
    /// <remarks>
    /// ASP.NET Core makes a request activity even when nobody listens to it (for log scopes); an exporter never sees
    /// that one, so a child of it would arrive with a parent that never comes. The Invoke span then takes that
    /// activity's own parent instead — the caller's <c>traceparent</c>, if it sent one — or is a root.
    /// </remarks>
    public static Activity? StartInvoke(string requestId)
    {
        if (!Source.HasListeners()) return null;
        var current = Activity.Current;
        if (current is not null && !current.Source.HasListeners())
        {
            var caller = current.HasRemoteParent && current.ParentId is { } remote
                && ActivityContext.TryParse(remote, current.TraceStateString, isRemote: true, out var context) ? context : default;
            Activity.Current = null; // start from the caller's context, not the unexported request activity
            var activity = Source.StartActivity("Invoke", ActivityKind.Server, caller);
            if (activity is null) Activity.Current = current;
            return Tag(activity, requestId);
        }
        return Tag(Source.StartActivity("Invoke", ActivityKind.Server), requestId);
    }

    private static Activity? Tag(Activity? activity, string requestId)
    {
        activity?.SetTag("faas.invocation_id", requestId);
        activity?.SetTag("faas.trigger", "other");
        return activity;
    }

    /// <summary>Names the span after the function (as the FaaS conventions ask) once the qualifier is resolved.</summary>
    public static void Resolved(Activity? activity, FunctionConfig config, string invokedArn, Credentials account, InvocationType type)
    {
        if (activity is null) return;
        activity.DisplayName = config.FunctionName;
        activity.SetTag("faas.name", config.FunctionName);
        activity.SetTag("faas.version", config.Version);
        activity.SetTag("faas.max_memory", (long)config.MemorySize * 1024 * 1024);
        activity.SetTag("cloud.resource_id", invokedArn);
        activity.SetTag("cloud.region", account.Region);
        activity.SetTag("cloud.account.id", account.AccountId);
        activity.SetTag("lamina.invocation_type", type.ToString());
    }

    /// <summary>The current span's W3C traceparent (<c>00-TRACEID-SPANID-FLAGS</c>), or null when none or not in W3C format.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : null;

    /// <summary>
    /// Starts the consumer span of one run of a queued Event invoke (null when nobody listens), as a child of the
    /// Invoke span that accepted it (<paramref name="traceParent"/>): the scheduler and environment spans of the run
    /// nest under it, and each retry is another <c>event.run</c> in the same trace. A missing or malformed parent
    /// (an event queued before the server traced, or by an older server) makes it a root.
    /// </summary>
    public static Activity? StartEventRun(string? traceParent, string requestId, string invokedArn, int attempt)
    {
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: false, out var context) ? context : default;
        var activity = Source.StartActivity("event.run", ActivityKind.Consumer, parent);
        activity?.SetTag("faas.invocation_id", requestId);
        activity?.SetTag("faas.trigger", "other");
        activity?.SetTag("cloud.resource_id", invokedArn);
        activity?.SetTag("lamina.invocation_type", "Event");
        activity?.SetTag("lamina.attempt", attempt);
        return activity;
    }

    /// <summary>Marks the span failed for an error answer or a function error (the answer is still 200 then).</summary>
    public static void Completed(Activity? activity, string? errorType)
    {
        if (activity is not null && errorType is not null) activity.SetStatus(ActivityStatusCode.Error, errorType);
    }
}
