namespace Lamina.Control.Invoke;

/// <summary>
/// A function's reserved concurrency as the API read it while resolving an invoke (<see cref="Limit"/> null: none
/// reserved). The API passes it on the <see cref="InvokeRequest"/> so the invoker need not read it a second time;
/// one instance is shared by every invoke served from the same cached read, so passing it allocates nothing.
/// </summary>
public sealed record ConcurrencyReservation(int? Limit);
