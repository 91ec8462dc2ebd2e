namespace Lamina.Control.Invoke;

/// <summary>
/// Implemented by an <see cref="IFunctionInvoker"/> that keeps execution environments between invokes (the
/// scheduler). The API calls it after DeleteFunction committed, so a deleted function's environments stop
/// holding memory, sandboxes and the host's memory budget at once instead of until the idle timeout.
/// </summary>
public interface IFunctionRetirement
{
    /// <summary>
    /// <paramref name="functionName"/> (every version when <paramref name="version"/> is null, else that
    /// published version) was deleted: its environments take no more invokes; idle ones are destroyed now,
    /// busy ones when their invoke ends. Never throws; returns before the destroys finish.
    /// </summary>
    void FunctionDeleted(string functionName, string? version);
}
