namespace Lamina.Agent.Runtime;

/// <summary>How the init phase ended: ready (first /next), failed (/init/error with its body), or closed.</summary>
internal sealed record InitOutcome(InitOutcomeKind Kind, InvocationResult? Error = null)
{
    public static readonly InitOutcome Ready = new(InitOutcomeKind.Ready);
    public static readonly InitOutcome Closed = new(InitOutcomeKind.Closed);

    public static InitOutcome Failed(InvocationResult error) => new(InitOutcomeKind.Failed, error);
}

/// <summary>See <see cref="InitOutcome"/>.</summary>
internal enum InitOutcomeKind
{
    Ready,
    Failed,
    Closed,
}
