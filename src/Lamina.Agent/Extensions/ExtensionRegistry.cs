using System.Buffers;
using System.Text.Json;
using Lamina.Agent.Runtime;

namespace Lamina.Agent.Extensions;

/// <summary>
/// The extensions of one runtime process's lifetime: registration (during init only, at most 10),
/// event delivery (INVOKE, SHUTDOWN) through /event/next, and "every extension is waiting in
/// /event/next", which ends init and each invoke. Events published while an extension is busy are
/// queued for its next /event/next.
/// </summary>
internal sealed class ExtensionRegistry
{
    public const int MaxExtensions = 10;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, RegisteredExtension> _byId = [];
    private readonly List<TaskCompletionSource> _allWaiting = [];
    private bool _registrationClosed;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Registers an extension; its identifier, or the refusal.</summary>
    public ExtensionApiError Register(string name, bool invoke, bool shutdown, out string? id)
    {
        id = null;
        lock (_lock)
        {
            if (_registrationClosed)
            {
                return ExtensionApiError.RegistrationClosed;
            }
            if (_byId.Count >= MaxExtensions)
            {
                return ExtensionApiError.TooManyExtensions;
            }
            id = Uuid.NewString();
            _byId[id] = new RegisteredExtension(id, name, invoke, shutdown);
            return ExtensionApiError.None;
        }
    }

    /// <summary>True when <paramref name="id"/> belongs to a registered extension.</summary>
    public bool IsRegistered(string? id) => NameOf(id) is not null;

    /// <summary>The registered name of extension <paramref name="id"/>, or null when it is unknown.</summary>
    public string? NameOf(string? id)
    {
        lock (_lock)
        {
            return id is not null && _byId.TryGetValue(id, out var extension) ? extension.Name : null;
        }
    }

    /// <summary>/event/next: the next event for the extension (at once when one is queued).</summary>
    public ExtensionApiError Next(string? id, out Task<byte[]>? next)
    {
        next = null;
        List<TaskCompletionSource>? release = null;
        lock (_lock)
        {
            if (id is null || !_byId.TryGetValue(id, out var extension))
            {
                return ExtensionApiError.UnknownExtension;
            }
            if (extension.Pending.TryDequeue(out var queued))
            {
                next = Task.FromResult(queued);
                return ExtensionApiError.None;
            }
            extension.Waiting ??= new(TaskCreationOptions.RunContinuationsAsynchronously);
            next = extension.Waiting.Task;
            release = TakeAllWaitingIfReady();
        }
        release?.ForEach(t => t.TrySetResult());
        return ExtensionApiError.None;
    }

    /// <summary>Completes when every registered extension waits in /event/next (at once when there are none).
    /// The first call also closes registration.</summary>
    public Task AllWaitingAsync()
    {
        lock (_lock)
        {
            _registrationClosed = true;
            if (AllWaiting())
            {
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _allWaiting.Add(waiter);
            return waiter.Task;
        }
    }

    private static readonly string[] InvokeAndShutdown = ["INVOKE", "SHUTDOWN"];
    private static readonly string[] InvokeOnly = ["INVOKE"];
    private static readonly string[] ShutdownOnly = ["SHUTDOWN"];

    /// <summary>Each registered extension's name and the events it registered for (platform.extension records).</summary>
    public List<(string Name, string[] Events)> Snapshot()
    {
        lock (_lock)
        {
            return _byId.Values.Select(e => (e.Name, (e.WantsInvoke, e.WantsShutdown) switch
            {
                (true, true) => InvokeAndShutdown,
                (true, false) => InvokeOnly,
                (false, true) => ShutdownOnly,
                _ => [],
            })).ToList();
        }
    }

    /// <summary>Sends INVOKE to the extensions that subscribed to it (nothing is rendered when none did: the warm path).</summary>
    public void PublishInvoke(Invocation invocation)
    {
        if (!AnySubscribed(shutdown: false))
        {
            return;
        }
        Publish(shutdown: false, InvokeJson(invocation));
    }

    // Apart from the methods that test for subscribers: a lambda's captured parameter is allocated on entry.
    private static byte[] InvokeJson(Invocation invocation) => Json(w =>
    {
        w.WriteString("eventType", "INVOKE");
        w.WriteNumber("deadlineMs", invocation.DeadlineMs);
        w.WriteString("requestId", invocation.RequestId);
        w.WriteString("invokedFunctionArn", invocation.FunctionArn);
        w.WriteStartObject("tracing");
        w.WriteString("type", "X-Amzn-Trace-Id");
        w.WriteString("value", invocation.TraceId);
        w.WriteEndObject();
    });

    /// <summary>Sends SHUTDOWN (reason SPINDOWN, TIMEOUT or FAILURE) to the extensions that subscribed to it.</summary>
    public void PublishShutdown(string reason, long deadlineMs)
    {
        if (!AnySubscribed(shutdown: true))
        {
            return;
        }
        Publish(shutdown: true, ShutdownJson(reason, deadlineMs));
    }

    private static byte[] ShutdownJson(string reason, long deadlineMs) => Json(w =>
    {
        w.WriteString("eventType", "SHUTDOWN");
        w.WriteString("shutdownReason", reason);
        w.WriteNumber("deadlineMs", deadlineMs);
    });

    private bool AnySubscribed(bool shutdown)
    {
        lock (_lock)
        {
            foreach (var extension in _byId.Values)
            {
                if (shutdown ? extension.WantsShutdown : extension.WantsInvoke)
                {
                    return true;
                }
            }
            return false;
        }
    }

    private void Publish(bool shutdown, byte[] json)
    {
        var deliver = new List<TaskCompletionSource<byte[]>>();
        lock (_lock)
        {
            foreach (var extension in _byId.Values)
            {
                if (!(shutdown ? extension.WantsShutdown : extension.WantsInvoke))
                {
                    continue;
                }
                if (extension.Waiting is { } waiting)
                {
                    extension.Waiting = null;
                    deliver.Add(waiting);
                }
                else
                {
                    extension.Pending.Enqueue(json);
                }
            }
        }
        deliver.ForEach(t => t.TrySetResult(json));
    }

    private bool AllWaiting() => _byId.Values.All(e => e.Waiting is not null && e.Pending.Count == 0);

    private List<TaskCompletionSource>? TakeAllWaitingIfReady()
    {
        if (_allWaiting.Count == 0 || !AllWaiting())
        {
            return null;
        }
        var ready = new List<TaskCompletionSource>(_allWaiting);
        _allWaiting.Clear();
        return ready;
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
