using System.Diagnostics;

namespace Lamina.Environments;

/// <summary>
/// Spans of an environment's life on the invoke path: <c>environment.create</c> (sandbox create and start, agent
/// ready) with <c>environment.init</c> (the runtime's init) under it, and <c>environment.invoke</c> (thaw → agent →
/// freeze) with <c>agent.invoke</c>, the control-socket round trip, under it. No listener, no cost.
/// </summary>
public static class EnvironmentTracing
{
    /// <summary>The name listeners subscribe to.</summary>
    public const string SourceName = "Lamina.Environments";

    internal static readonly ActivitySource Source = new(SourceName);

    internal static Activity? Start(string name, string sandboxId, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = Source.StartActivity(name, kind);
        activity?.SetTag("lamina.environment.id", sandboxId);
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed when <paramref name="error"/> is set; returns the error.</summary>
    internal static EnvironmentError? Fail(Activity? activity, EnvironmentError? error)
    {
        if (error is not null) activity?.SetStatus(ActivityStatusCode.Error, error.Code.ToString());
        return error;
    }
}
