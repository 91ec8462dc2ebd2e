namespace Lamina.Sandbox.Build;

/// <summary>One Dockerfile RUN: the stage's layers below a writable upper directory, and the command to execute.</summary>
/// <param name="Id">1–64 of [a-z0-9-]: names the runc container and its cgroup.</param>
/// <param name="Layers">Unpacked layer directories (absolute), top layer first; never written.</param>
/// <param name="UpperDirectory">Empty directory that receives every change (the new layer, in overlay form).</param>
/// <param name="Args">argv: ["/bin/sh", "-c", "…"] for the shell form, the JSON array for the exec form.</param>
/// <param name="Env">KEY=value pairs: the stage's ENV plus build arguments.</param>
/// <param name="WorkingDirectory">Absolute cwd; runc creates it (in the upper directory) when missing.</param>
/// <param name="Uid">User the command runs as (0 unless USER says otherwise).</param>
/// <param name="Gid">Group the command runs as.</param>
public sealed record BuildRunRequest(
    string Id,
    IReadOnlyList<string> Layers,
    string UpperDirectory,
    IReadOnlyList<string> Args,
    IReadOnlyList<string> Env,
    string WorkingDirectory,
    uint Uid = 0,
    uint Gid = 0)
{
    /// <summary>Host network by default: package installs need the network, like docker build's default.</summary>
    public NetworkMode Network { get; init; } = NetworkMode.Host;

    /// <summary>Maximum number of tasks (fork bombs stop here).</summary>
    public int PidsLimit { get; init; } = 4096;
}

/// <summary>How a RUN ended: its exit code and the last part of its combined output.</summary>
public sealed record BuildRunResult(int ExitCode, string OutputTail);
