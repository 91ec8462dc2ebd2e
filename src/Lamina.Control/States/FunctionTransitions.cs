using Lamina.Control.Domain;

namespace Lamina.Control.States;

/// <summary>
/// The state machine's transitions as pure functions of a configuration (no I/O, tested without a clock).
/// <code>
///  Create          → State Pending (Creating), LastUpdateStatus InProgress
///  Settle, ok      → State Active,  LastUpdateStatus Successful, image digest recorded
///  Settle, failure → creation: State Failed (reason code);  update: State stays Active on the old image,
///                    LastUpdateStatus Failed (reason code), ImageUri restored
///  Update*         → only from LastUpdateStatus ≠ InProgress and State ∉ {Pending}: LastUpdateStatus InProgress
/// </code>
/// </summary>
public static class FunctionTransitions
{
    public static FunctionConfig Creating(FunctionConfig config) => config with
    {
        State = FunctionState.Pending,
        StateReason = "The function is being created.",
        StateReasonCode = "Creating",
        LastUpdateStatus = LastUpdateStatus.InProgress,
        LastUpdateStatusReason = "The function is being created.",
        LastUpdateStatusReasonCode = "Creating",
    };

    public static FunctionConfig Updating(FunctionConfig config) => config with
    {
        LastUpdateStatus = LastUpdateStatus.InProgress,
        LastUpdateStatusReason = "The function is being updated.",
        LastUpdateStatusReasonCode = "InProgress",
    };

    /// <summary>Why an update or publish must wait, or null when the function accepts changes.</summary>
    public static LambdaError? RefuseChange(FunctionConfig config, string arn) =>
        config.State == FunctionState.Pending || config.LastUpdateStatus == LastUpdateStatus.InProgress
            ? LambdaError.Conflict($"The operation cannot be performed at this time. An update is in progress for resource: {arn}")
            : null;

    /// <summary>The configuration after the background work finished with <paramref name="resolution"/> (null: configuration-only change).</summary>
    public static FunctionConfig Settle(FunctionConfig config, ImageResolution? resolution, DateTimeOffset now)
    {
        var creating = config.State == FunctionState.Pending;
        if (resolution is null || resolution.Failure is null)
        {
            return config with
            {
                ImageDigest = resolution?.Digest ?? config.ImageDigest,
                ResolvedImageUri = resolution?.ResolvedImageUri ?? config.ResolvedImageUri,
                PreviousImageUri = null,
                State = FunctionState.Active,
                StateReason = null,
                StateReasonCode = null,
                LastUpdateStatus = LastUpdateStatus.Successful,
                LastUpdateStatusReason = null,
                LastUpdateStatusReasonCode = null,
                RevisionId = FunctionConfig.NewRevisionId(),
            };
        }
        var code = resolution.Failure.Value.ToString();
        if (creating)
        {
            return config with
            {
                State = FunctionState.Failed,
                StateReason = resolution.Message,
                StateReasonCode = code,
                LastUpdateStatus = LastUpdateStatus.Failed,
                LastUpdateStatusReason = resolution.Message,
                LastUpdateStatusReasonCode = code,
                RevisionId = FunctionConfig.NewRevisionId(),
            };
        }
        return config with
        {
            ImageUri = config.PreviousImageUri ?? config.ImageUri,
            PreviousImageUri = null,
            LastUpdateStatus = LastUpdateStatus.Failed,
            LastUpdateStatusReason = resolution.Message,
            LastUpdateStatusReasonCode = code,
            LastModified = now,
            RevisionId = FunctionConfig.NewRevisionId(),
        };
    }
}
