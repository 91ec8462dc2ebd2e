namespace Lamina.Environments;

/// <summary>Why an environment could not be started or used.</summary>
public enum EnvironmentErrorCode
{
    /// <summary>The function configuration or image cannot make an environment (bad values, no command).</summary>
    InvalidConfiguration,

    /// <summary>The sandbox could not be created or started (runc, mounts).</summary>
    SandboxFailed,

    /// <summary>The agent never answered on its control socket.</summary>
    AgentNotReady,

    /// <summary>The agent answered, but the runtime failed to initialise.</summary>
    InitFailed,

    /// <summary>The environment is gone (destroyed, or its process exited).</summary>
    Gone,
}

/// <summary>An expected failure, as a value.</summary>
public sealed record EnvironmentError(EnvironmentErrorCode Code, string Message)
{
    /// <summary>
    /// For <see cref="EnvironmentErrorCode.Gone"/> during an invoke: the event may have reached the runtime
    /// (the control channel failed mid-request), so the invoke must not be retried elsewhere.
    /// </summary>
    public bool MayHaveRun { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Code}: {Message}";
}
