using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Lamina.Agent.Extensions;

/// <summary>
/// Telemetry API 2022-07-01 fan-out for one runtime lifetime: platform events as
/// <c>{"time","type","record"}</c> to every subscription whose types include "platform".
/// Events of the init phase (extensions subscribe while it runs) are kept, up to
/// <see cref="BacklogLimit"/>, and replayed to each new subscriber.
/// </summary>
internal sealed class TelemetryHub
{
    public const int BacklogLimit = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, TelemetrySubscription> _byExtension = [];
    private readonly List<byte[]> _backlog = [];
    private bool _initDone;

    /// <summary>Adds (or replaces) the subscription of one extension and replays the backlog to it.</summary>
    public void Subscribe(string extensionId, TelemetrySubscription subscription)
    {
        lock (_lock)
        {
            if (_byExtension.Remove(extensionId, out var previous))
            {
                previous.Close();
            }
            _byExtension[extensionId] = subscription;
            if (subscription.Types.Contains("platform"))
            {
                _backlog.ForEach(subscription.Post);
            }
        }
        Publish("platform.telemetrySubscription", w =>
        {
            w.WriteString("name", extensionId);
            w.WriteString("state", "Subscribed");
            w.WriteStartArray("types");
            foreach (var type in subscription.Types)
            {
                w.WriteStringValue(type);
            }
            w.WriteEndArray();
        });
    }

    public void InitStart(string functionName, string functionVersion) => Publish("platform.initStart", w =>
    {
        w.WriteString("initializationType", "on-demand");
        w.WriteString("phase", "init");
        w.WriteString("functionName", functionName);
        w.WriteString("functionVersion", functionVersion);
    });

    public void InitDone(string status, double durationMs)
    {
        lock (_lock)
        {
            // Subscriptions happen during init; after it only live delivery is needed.
            _initDone = true;
        }
        Publish("platform.initRuntimeDone", w =>
        {
            w.WriteString("initializationType", "on-demand");
            w.WriteString("phase", "init");
            w.WriteString("status", status);
        });
        Publish("platform.initReport", w =>
        {
            w.WriteString("initializationType", "on-demand");
            w.WriteString("phase", "init");
            w.WriteString("status", status);
            w.WriteStartObject("metrics");
            w.WriteNumber("durationMs", Math.Round(durationMs, 3));
            w.WriteEndObject();
        });
    }

    public void Start(string requestId, string version) => Publish("platform.start", w =>
    {
        w.WriteString("requestId", requestId);
        w.WriteString("version", version);
    });

    /// <summary>platform.runtimeDone and platform.report for one invocation.</summary>
    public void InvokeDone(string requestId, string status, double durationMs, int memorySizeMb, int maxMemoryUsedMb, double? initMs)
    {
        Publish("platform.runtimeDone", w =>
        {
            w.WriteString("requestId", requestId);
            w.WriteString("status", status);
            w.WriteStartObject("metrics");
            w.WriteNumber("durationMs", Math.Round(durationMs, 3));
            w.WriteEndObject();
        });
        Publish("platform.report", w =>
        {
            w.WriteString("requestId", requestId);
            w.WriteString("status", status);
            w.WriteStartObject("metrics");
            w.WriteNumber("durationMs", Math.Round(durationMs, 3));
            w.WriteNumber("billedDurationMs", Math.Max(1, (long)Math.Ceiling(durationMs)));
            w.WriteNumber("memorySizeMB", memorySizeMb);
            w.WriteNumber("maxMemoryUsedMB", maxMemoryUsedMb);
            if (initMs is { } init)
            {
                w.WriteNumber("initDurationMs", Math.Round(init, 3));
            }
            w.WriteEndObject();
        });
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

    private void Publish(string type, Action<Utf8JsonWriter> record)
    {
        lock (_lock)
        {
            if (_byExtension.Count == 0 && (_initDone || _backlog.Count >= BacklogLimit))
            {
                // The warm path without subscribers: nothing is serialized.
                return;
            }
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("time", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            writer.WriteString("type", type);
            writer.WriteStartObject("record");
            record(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        var json = buffer.WrittenSpan.ToArray();
        lock (_lock)
        {
            if (!_initDone && _backlog.Count < BacklogLimit)
            {
                _backlog.Add(json);
            }
            foreach (var subscription in _byExtension.Values)
            {
                if (subscription.Types.Contains("platform"))
                {
                    subscription.Post(json);
                }
            }
        }
    }
}
