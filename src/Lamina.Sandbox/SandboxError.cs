namespace Lamina.Sandbox;

/// <summary>Why a sandbox operation failed. Expected failures are returned, never thrown.</summary>
public enum SandboxErrorCode
{
    /// <summary>The request was malformed; nothing was touched.</summary>
    InvalidRequest,

    /// <summary>A sandbox with this id already exists in this manager.</summary>
    AlreadyExists,

    /// <summary>No sandbox with this id is known.</summary>
    NotFound,

    /// <summary>The operation is not allowed in the sandbox's current state.</summary>
    InvalidState,

    /// <summary>Mounting the root filesystem failed (the host refused the overlay mount).</summary>
    MountFailed,

    /// <summary>runc reported an error; the message carries its output.</summary>
    RuntimeFailed,

    /// <summary>Something was left behind after cleanup; the message says what.</summary>
    CleanupIncomplete,
}

/// <summary>An expected failure: a code for callers to branch on and a message for people.</summary>
public sealed record SandboxError(SandboxErrorCode Code, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Code}: {Message}";
}
