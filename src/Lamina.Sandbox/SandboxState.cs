namespace Lamina.Sandbox;

/// <summary>
/// Lifecycle of a sandbox. Allowed transitions (anything else is refused with InvalidState):
/// <code>
/// Created ──start──► Running ──freeze──► Frozen
///    │                 ▲  │                 │
///    │                 └──┼─────thaw────────┘
///    └──stop──────────────┴──stop (thaws first)──► Stopped ──destroy──► Destroyed
/// (destroy is allowed from every state; a process that exits on its own makes the state Stopped)
/// </code>
/// </summary>
public enum SandboxState
{
    /// <summary>runc created the container; its process waits for start.</summary>
    Created,

    /// <summary>The process is running.</summary>
    Running,

    /// <summary>Every process is frozen by the freezer cgroup.</summary>
    Frozen,

    /// <summary>The first process has exited; resources are still held until destroy.</summary>
    Stopped,

    /// <summary>Everything is removed.</summary>
    Destroyed,
}

/// <summary>Why the sandbox's first process ended.</summary>
public enum SandboxExitReason
{
    /// <summary>It exited on its own (or a signal other than ours killed it).</summary>
    Exited,

    /// <summary>The kernel's OOM killer killed a process: the memory limit was reached.</summary>
    OutOfMemory,

    /// <summary>Lamina stopped it (stop or destroy).</summary>
    Stopped,
}

/// <summary>How a sandbox ended.</summary>
/// <param name="Reason">The cause.</param>
/// <param name="OomKills">Processes the OOM killer killed inside the sandbox.</param>
public sealed record SandboxExit(SandboxExitReason Reason, long OomKills);
