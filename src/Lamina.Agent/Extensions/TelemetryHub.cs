using System.Text.Json;
using Lamina.Agent.Emulator;

namespace Lamina.Agent.Extensions;

/// <summary>
/// Telemetry API 2022-07-01 and Logs API 2020-08-15 fan-out for one runtime lifetime. Each event is
/// <c>{"time","type","record"}</c>, rendered in the shape of the API each subscriber used (the Logs API
/// has older platform records and no init events), and offered to the subscribers whose types include
/// its category: "platform", "function" (the runtime's stdout/stderr lines) or "extension" (external
/// extensions' lines). Events of the init phase (extensions subscribe while it runs) are kept, up to
/// <see cref="BacklogLimit"/>, and replayed to each new subscriber.
/// </summary>
internal sealed class TelemetryHub
{
    public const int BacklogLimit = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, TelemetrySubscription> _byExtension = [];
    private readonly List<Recorded> _backlog = [];
    private bool _initDone;

    private sealed record Recorded(string Category, byte[]? Telemetry, byte[]? Logs);

    /// <summary>The API an extension already subscribed with, or null (each extension may use only one of the two).</summary>
    public SubscriptionApi? ApiOf(string extensionId)
    {
        lock (_lock)
        {
            return _byExtension.TryGetValue(extensionId, out var s) ? s.Api : null;
        }
    }

    /// <summary>Adds (or replaces) the subscription of one extension and replays the backlog to it.</summary>
    public void Subscribe(string extensionId, string extensionName, TelemetrySubscription subscription)
    {
        lock (_lock)
        {
            if (_byExtension.Remove(extensionId, out var previous))
            {
                previous.Close();
            }
            _byExtension[extensionId] = subscription;
            foreach (var entry in _backlog)
            {
                if (subscription.Types.Contains(entry.Category) && (subscription.Api == SubscriptionApi.Logs ? entry.Logs : entry.Telemetry) is { } json)
                {
                    subscription.Post(json);
                }
            }
        }
        Action<Utf8JsonWriter> record = w =>
        {
            w.WriteString("name", extensionName);
            w.WriteString("state", "Subscribed");
            w.WriteStartArray("types");
            foreach (var type in subscription.Types)
            {
                w.WriteStringValue(type);
            }
            w.WriteEndArray();
        };
        Publish("platform", "platform.telemetrySubscription", record, "platform.logsSubscription", record);
    }

    public void InitStart(string functionName, string functionVersion) =>
        Publish("platform", "platform.initStart", PlatformRecords.InitStart(functionName, functionVersion), null, null);

    /// <summary>platform.extension (both APIs): one extension that registered, with the events it asked for.</summary>
    public void Extension(string name, string state, IReadOnlyList<string> events)
    {
        var record = PlatformRecords.Extension(name, state, events);
        Publish("platform", "platform.extension", record, "platform.extension", record);
    }

    /// <summary>platform.fault (Logs API only, as AWS's older schema has it): the invocation failed in the platform's
    /// view — the runtime exited or timed out — with AWS's text, e.g. "RequestId: … Error: Runtime exited with error: exit status 1".</summary>
    public void Fault(string text)
    {
        if (Wanted("platform"))
        {
            Deliver("platform", null, PlatformRecords.Render(Now(), "platform.fault", text));
        }
    }

    public void InitDone(string status, double durationMs, string? errorType = null)
    {
        lock (_lock)
        {
            // Subscriptions happen during init; after it only live delivery is needed.
            _initDone = true;
        }
        Publish("platform", "platform.initRuntimeDone", PlatformRecords.InitRuntimeDone(status, errorType), null, null);
        Publish("platform", "platform.initReport", PlatformRecords.InitReport(status, durationMs, errorType), null, null);
    }

    public void Start(string requestId, string version)
    {
        if (Wanted("platform"))
        {
            PublishStart(requestId, version);
        }
    }

    private void PublishStart(string requestId, string version)
    {
        var record = PlatformRecords.Start(requestId, version);
        Publish("platform", "platform.start", record, "platform.start", record);
    }

    /// <summary>platform.runtimeDone and platform.report for one invocation (and the Logs API's platform.end).</summary>
    public void InvokeDone(string requestId, string status, double durationMs, int memorySizeMb, int maxMemoryUsedMb, double? initMs)
    {
        // Tested here, apart from the records: the lambdas' captured parameters are allocated on entry to the method.
        if (Wanted("platform"))
        {
            PublishInvokeDone(requestId, status, durationMs, memorySizeMb, maxMemoryUsedMb, initMs);
        }
    }

    private void PublishInvokeDone(string requestId, string status, double durationMs, int memorySizeMb, int maxMemoryUsedMb, double? initMs)
    {
        Publish("platform", "platform.runtimeDone", PlatformRecords.RuntimeDone(requestId, status, durationMs), "platform.runtimeDone", w =>
        {
            w.WriteString("requestId", requestId);
            w.WriteString("status", status);
        });
        Publish("platform", null, null, "platform.end", w => w.WriteString("requestId", requestId));
        Publish("platform", "platform.report", PlatformRecords.Report(requestId, status, durationMs, memorySizeMb, maxMemoryUsedMb, initMs),
            "platform.report", PlatformRecords.Report(requestId, null, durationMs, memorySizeMb, maxMemoryUsedMb, initMs));
    }

    /// <summary>One line of output: <paramref name="category"/> is "function" (the runtime) or "extension".
    /// The Telemetry API gets the line as the record; the Logs API, as before, the line with its newline.</summary>
    public void Line(string category, ReadOnlySpan<byte> line)
    {
        if (!Wanted(category))
        {
            return;
        }
        var time = Now();
        var telemetry = Render(time, category, line, newline: false);
        var logs = Render(time, category, line, newline: true);
        Deliver(category, telemetry, logs);
    }

    /// <summary>Sends every subscription's queued records now; completes when they went out.</summary>
    public Task FlushAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll(_byExtension.Values.Select(s => s.FlushAsync()).ToList());
        }
    }

    /// <summary>Flushes and stops every subscription (end of the runtime lifetime).</summary>
    public void Close()
    {
        lock (_lock)
        {
            foreach (var subscription in _byExtension.Values)
            {
                subscription.Close();
            }
            _byExtension.Clear();
        }
    }

    private bool Wanted(string category)
    {
        lock (_lock)
        {
            if (!_initDone && _backlog.Count < BacklogLimit)
            {
                return true;
            }
            foreach (var subscription in _byExtension.Values)
            {
                if (subscription.Types.Contains(category))
                {
                    return true;
                }
            }
            // The warm path without subscribers for this category: nothing is serialized.
            return false;
        }
    }

    private void Publish(string category, string? telemetryType, Action<Utf8JsonWriter>? telemetry, string? logsType, Action<Utf8JsonWriter>? logs)
    {
        if (!Wanted(category))
        {
            return;
        }
        var time = Now();
        Deliver(category,
            telemetryType is null ? null : Render(time, telemetryType, telemetry!),
            logsType is null ? null : Render(time, logsType, logs!));
    }

    private void Deliver(string category, byte[]? telemetry, byte[]? logs)
    {
        lock (_lock)
        {
            if (!_initDone && _backlog.Count < BacklogLimit)
            {
                _backlog.Add(new Recorded(category, telemetry, logs));
            }
            foreach (var subscription in _byExtension.Values)
            {
                if (subscription.Types.Contains(category) && (subscription.Api == SubscriptionApi.Logs ? logs : telemetry) is { } json)
                {
                    subscription.Post(json);
                }
            }
        }
    }

    private static string Now() => PlatformRecords.Now();

    private static byte[] Render(string time, string type, Action<Utf8JsonWriter> record) => PlatformRecords.Render(time, type, record);

    private static byte[] Render(string time, string type, ReadOnlySpan<byte> line, bool newline)
    {
        // Invalid UTF-8 from a process becomes U+FFFD: the record must stay valid JSON.
        var text = System.Text.Encoding.UTF8.GetString(line);
        return PlatformRecords.Render(time, type, newline ? text + "\n" : text);
    }
}
