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
    public static Activity? StartInvoke(string requestId)
    {
        var activity = Source.StartActivity("Invoke", ActivityKind.Server);
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

    /// <summary>Marks the span failed for an error answer or a function error (the answer is still 200 then).</summary>
    public static void Completed(Activity? activity, string? errorType)
    {
        if (activity is not null && errorType is not null) activity.SetStatus(ActivityStatusCode.Error, errorType);
    }
}
