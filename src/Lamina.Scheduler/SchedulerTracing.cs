using System.Diagnostics;

namespace Lamina.Scheduler;

/// <summary>
/// The scheduler's span of an invocation: <c>scheduler.acquire</c>, from admission to an environment in hand
/// (warm from a pool, or cold: image and <c>environment.create</c> underneath), with <c>faas.coldstart</c>. The
/// same attribute goes on the enclosing span (the API's Invoke server span), where the FaaS conventions put it.
/// </summary>
internal static class SchedulerTracing
{
    public const string SourceName = "Lamina.Scheduler";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartAcquire() => Source.StartActivity("scheduler.acquire");

    /// <summary>Ends the acquire span with the outcome; <paramref name="failure"/> marks it failed (a throttle, a start that failed).</summary>
    public static void Acquired(Activity? acquire, bool cold, string? environmentId, string? failure = null)
    {
        if (acquire is null) return;
        acquire.SetTag("faas.coldstart", cold);
        if (environmentId is not null) acquire.SetTag("lamina.environment.id", environmentId);
        if (failure is not null) acquire.SetStatus(ActivityStatusCode.Error, failure);
        acquire.Dispose();
        // Activity.Current is the parent again: the invocation's span.
        if (failure is null) Activity.Current?.SetTag("faas.coldstart", cold);
    }
}
