using Lamina.Control.Async;

namespace Lamina.Control.Invoke;

/// <summary>
/// Accepts Event (asynchronous) invocations: <see cref="EnqueueAsync"/> stores the event durably in
/// DATA/async.db and returns only once it is committed, so an event the API acknowledged with 202 survives a
/// SIGKILL. <see cref="AsyncInvokeWorker"/> runs them (retries, maximum age, destinations).
/// </summary>
public sealed class AsyncInvokeQueue(AsyncEventStore store) : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Stores <paramref name="request"/>; <paramref name="qualifier"/> is the qualifier as invoked (selects the event invoke config).</summary>
    public async Task EnqueueAsync(InvokeRequest request, string? qualifier, CancellationToken ct)
    {
        await store.AddAsync(request, qualifier, ct);
        Wake();
    }

    /// <summary>Tells the worker new work is due (an enqueue, or a slot freed).</summary>
    internal void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up is enough.
        }
    }

    /// <summary>Waits until woken or <paramref name="timeout"/> passed.</summary>
    internal Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);

    public void Dispose() => _wake.Dispose();
}
