namespace Lamina.Control.Domain;

/// <summary>
/// A provisioned concurrency configuration of one published version or alias: how many environments the
/// scheduler keeps initialised (runtime init done, frozen) for it, and how far it got.
/// </summary>
/// <param name="Qualifier">A version number or an alias name (never $LATEST).</param>
/// <param name="Requested">RequestedProvisionedConcurrentExecutions (≥ 1).</param>
/// <param name="Allocated">Initialised environments that exist now (the scheduler writes it).</param>
/// <param name="Available">Of those, the ones not running an invoke now.</param>
/// <param name="Status">IN_PROGRESS until Allocated reaches Requested (READY), or FAILED with a reason.</param>
/// <param name="StatusReason">Why it failed (the start error), else null.</param>
/// <param name="LastModified">When the configuration was last put; the scheduler's status writes carry it so a
/// status computed for an older request never overwrites a newer one.</param>
public sealed record ProvisionedConcurrencyConfig(
    string Qualifier,
    int Requested,
    int Allocated,
    int Available,
    ProvisionedConcurrencyStatus Status,
    string? StatusReason,
    DateTimeOffset LastModified);

/// <summary>Lambda's ProvisionedConcurrencyStatusEnum (wire names IN_PROGRESS, READY, FAILED).</summary>
public enum ProvisionedConcurrencyStatus
{
    InProgress,
    Ready,
    Failed,
}
