using Lamina.Control.Domain;

namespace Lamina.Control.Storage;

/// <summary>
/// The control plane's persistence: every read sees one consistent snapshot, every write is one transaction
/// that commits only when its domain rule succeeded (a refused operation leaves nothing half-written).
/// </summary>
public sealed class ControlStore(ControlDatabase db)
{
    public T Read<T>(Func<ControlSession, T> read) => db.Read(c => read(new ControlSession(c, null)));

    /// <summary>Runs <paramref name="write"/> in one transaction; committed only when it returns a value, rolled back on an error.</summary>
    public Task<Result<T>> WriteAsync<T>(Func<ControlSession, Result<T>> write, CancellationToken ct = default) =>
        db.WriteAsync((c, tx) => write(new ControlSession(c, tx)), r => r.IsOk, ct);
}
