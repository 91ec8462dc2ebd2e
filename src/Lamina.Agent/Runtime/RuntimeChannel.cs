namespace Lamina.Agent.Runtime;

/// <summary>
/// The meeting point of one runtime process and the invoker: the Runtime API state machine.
/// Every transition not drawn here is refused (403 InvalidStateTransition, or 400
/// InvalidRequestID when the id is not the invocation in flight).
/// <code>
///   Initializing ──/next──────────► Idle ──Deliver──► Invoking ──/response|/error──► Idle
///        │                            ▲                 (queued until /next)
///        └──/init/error──► InitFailed     Close() from any state ──► Closed
///                                   Invoking ──TimeOut()──► Closed (answers for it: 410)
/// </code>
/// A new channel is made for every runtime process, so answers from a killed (timed-out)
/// attempt can never reach a later invocation.
/// </summary>
internal sealed class RuntimeChannel
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<InitOutcome> _init = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RuntimePhase _phase = RuntimePhase.Initializing;
    private TaskCompletionSource<Invocation>? _waitingNext;
    private Invocation? _current;
    private bool _delivered;
    private string? _lastAnswered;
    private string? _timedOut;

    /// <summary>A channel for "no runtime yet": every call is refused until the first init replaces it.</summary>
    public static RuntimeChannel CreateClosed()
    {
        var channel = new RuntimeChannel();
        channel.Close();
        return channel;
    }

    /// <summary>Completes when the runtime first calls /next (ready) or posts /init/error.</summary>
    public Task<InitOutcome> Initialized => _init.Task;

    public RuntimePhase Phase
    {
        get
        {
            lock (_lock)
            {
                return _phase;
            }
        }
    }

    /// <summary>/next: a task that completes with the next invocation, or a refusal.</summary>
    public RuntimeApiError Next(out Task<Invocation>? next)
    {
        next = null;
        lock (_lock)
        {
            if (_phase == RuntimePhase.Initializing)
            {
                _phase = RuntimePhase.Idle;
                _init.TrySetResult(InitOutcome.Ready);
            }
            if (_phase == RuntimePhase.Invoking && !_delivered)
            {
                _delivered = true;
                next = Task.FromResult(_current!);
                return RuntimeApiError.None;
            }
            if (_phase != RuntimePhase.Idle || _waitingNext is not null)
            {
                return RuntimeApiError.InvalidStateTransition;
            }
            // Synchronous continuation: Deliver writes the event to the runtime without a thread-pool hop.
            _waitingNext = new(TaskCreationOptions.None);
            next = _waitingNext.Task;
            return RuntimeApiError.None;
        }
    }

    /// <summary>Hands an invocation to the runtime (at once if it waits in /next).</summary>
    /// <exception cref="InvalidOperationException">The runtime is not idle: a bug in the invoker.</exception>
    public void Deliver(Invocation invocation)
    {
        TaskCompletionSource<Invocation>? waiting;
        lock (_lock)
        {
            if (_phase != RuntimePhase.Idle)
            {
                throw new InvalidOperationException($"cannot deliver an invocation in phase {_phase}");
            }
            _phase = RuntimePhase.Invoking;
            _current = invocation;
            waiting = _waitingNext;
            _waitingNext = null;
            _delivered = waiting is not null;
        }
        waiting?.TrySetResult(invocation);
    }

    /// <summary>/response or /error for <paramref name="requestId"/>; <paramref name="invocationId"/> is the
    /// runtime's echo of Lambda-Runtime-Invocation-Id (null when it sent none: older runtimes).</summary>
    public RuntimeApiError Answer(string requestId, InvocationResult result, string? invocationId = null)
    {
        Invocation answered;
        lock (_lock)
        {
            if (requestId == _timedOut)
            {
                return RuntimeApiError.InvocationTimedOut;
            }
            if (_phase == RuntimePhase.Invoking)
            {
                if (!_delivered || _current!.RequestId != requestId)
                {
                    return RuntimeApiError.InvalidRequestId;
                }
                if (invocationId is not null && invocationId != _current.InvocationId)
                {
                    return RuntimeApiError.InvalidInvocationId;
                }
                answered = _current;
                _current = null;
                _lastAnswered = requestId;
                _phase = RuntimePhase.Idle;
            }
            else
            {
                // A second answer to the same invocation is a state error; an id never seen is a bad id.
                return _phase != RuntimePhase.Idle || requestId == _lastAnswered
                    ? RuntimeApiError.InvalidStateTransition
                    : RuntimeApiError.InvalidRequestId;
            }
        }
        answered.Completion.TrySetResult(result);
        return RuntimeApiError.None;
    }

    /// <summary>The invocation a streamed /response for <paramref name="requestId"/> belongs to, checked as
    /// <see cref="Answer"/> checks it but without answering (the answer comes when the stream ends).</summary>
    public RuntimeApiError Streaming(string requestId, string? invocationId, out Invocation? invocation)
    {
        lock (_lock)
        {
            invocation = null;
            if (requestId == _timedOut)
            {
                return RuntimeApiError.InvocationTimedOut;
            }
            if (_phase != RuntimePhase.Invoking)
            {
                return _phase != RuntimePhase.Idle || requestId == _lastAnswered ? RuntimeApiError.InvalidStateTransition : RuntimeApiError.InvalidRequestId;
            }
            if (!_delivered || _current!.RequestId != requestId)
            {
                return RuntimeApiError.InvalidRequestId;
            }
            if (invocationId is not null && invocationId != _current.InvocationId)
            {
                return RuntimeApiError.InvalidInvocationId;
            }
            invocation = _current;
            return RuntimeApiError.None;
        }
    }

    /// <summary>
    /// The invoker's deadline passed: closes the channel and refuses (410) any later answer for the
    /// invocation in flight. Returns false when the runtime answered first (the answer stands).
    /// </summary>
    public bool TimeOut()
    {
        lock (_lock)
        {
            if (_phase != RuntimePhase.Invoking)
            {
                return false;
            }
            // No /next can be waiting while an invocation is in flight, so nothing else to release.
            _timedOut = _current!.RequestId;
            _current = null;
            _phase = RuntimePhase.Closed;
            return true;
        }
    }

    /// <summary>/init/error: allowed only before the first /next.</summary>
    public RuntimeApiError InitError(InvocationResult error)
    {
        lock (_lock)
        {
            if (_phase != RuntimePhase.Initializing)
            {
                return RuntimeApiError.InvalidStateTransition;
            }
            _phase = RuntimePhase.InitFailed;
        }
        _init.TrySetResult(InitOutcome.Failed(error));
        return RuntimeApiError.None;
    }

    /// <summary>Ends the channel (the runtime was killed or exited); a waiting /next is released.</summary>
    public void Close()
    {
        TaskCompletionSource<Invocation>? waiting;
        lock (_lock)
        {
            _phase = RuntimePhase.Closed;
            waiting = _waitingNext;
            _waitingNext = null;
        }
        waiting?.TrySetCanceled();
        _init.TrySetResult(InitOutcome.Closed);
    }
}
