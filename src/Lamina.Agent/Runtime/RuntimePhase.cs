namespace Lamina.Agent.Runtime;

/// <summary>States of <see cref="RuntimeChannel"/>.</summary>
internal enum RuntimePhase
{
    Initializing,
    Idle,
    Invoking,
    InitFailed,
    Closed,
}
