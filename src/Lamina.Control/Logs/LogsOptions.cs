namespace Lamina.Control.Logs;

/// <summary>
/// Tuning of the logs store. Register an instance before <c>AddLaminaControl</c> to override the defaults.
/// </summary>
public sealed class LogsOptions
{
    /// <summary>Batches of function output waiting to be written; past this, new batches are dropped (and counted).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most batches written in one transaction.</summary>
    public int MaxBatchesPerWrite { get; set; } = 512;

    /// <summary>Total stored event bytes (message + 26) above which the oldest events are deleted by the sweep; 0 = no cap.</summary>
    public long MaxStoredBytes { get; set; } = 1L << 30;

    /// <summary>How often retention and the size cap are applied.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Every problem, as messages naming the setting (<c>Logs:Key</c>); empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (QueueCapacity < 1) yield return $"Logs:QueueCapacity {QueueCapacity} must be at least 1";
        if (MaxBatchesPerWrite < 1) yield return $"Logs:MaxBatchesPerWrite {MaxBatchesPerWrite} must be at least 1";
        if (MaxStoredBytes < 0) yield return $"Logs:MaxStoredBytes {MaxStoredBytes} must be 0 (no cap) or more";
        if (SweepInterval <= TimeSpan.Zero) yield return $"Logs:SweepInterval {SweepInterval} must be positive";
    }
}
