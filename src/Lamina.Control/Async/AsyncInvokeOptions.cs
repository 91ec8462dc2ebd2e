namespace Lamina.Control.Async;

/// <summary>
/// Tuning of the asynchronous invocation worker. Register an instance before <c>AddLaminaControl</c> to
/// override the defaults (tests shorten the delays).
/// </summary>
public sealed class AsyncInvokeOptions
{
    /// <summary>
    /// Wait before the first retry after a function error; the second waits twice as long. AWS waits about
    /// one minute, then two.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait between attempts after throttles or platform errors (which retry until the event's maximum age).</summary>
    public TimeSpan MaxPlatformRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Events run at the same time, across functions.</summary>
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>How often the worker looks for due events when nothing woke it (retries falling due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Every problem, as messages naming the setting (<c>Async:Key</c>); empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (RetryBaseDelay <= TimeSpan.Zero) yield return $"Async:RetryBaseDelay {RetryBaseDelay} must be positive";
        if (MaxPlatformRetryDelay <= TimeSpan.Zero) yield return $"Async:MaxPlatformRetryDelay {MaxPlatformRetryDelay} must be positive";
        if (MaxConcurrency < 1) yield return $"Async:MaxConcurrency {MaxConcurrency} must be at least 1";
        if (PollInterval <= TimeSpan.Zero) yield return $"Async:PollInterval {PollInterval} must be positive";
    }
}
