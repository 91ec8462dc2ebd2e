using Lamina.Environments;
using Lamina.Images;
using Lamina.Sandbox;

namespace Lamina.Cli.Run;

/// <summary>
/// The one execution environment behind <c>lamina run</c>: started up front, reused by every invoke, replaced
/// on the next invoke when it is gone (its process exited), and destroyed with everything it left on the host
/// (sandbox directory, mounts, runc state, cgroups) when the command stops. Its own data directory and cgroup
/// parent, so two <c>lamina run</c> processes (or a server) never clean up each other's sandboxes.
/// </summary>
internal sealed class RunSession : IAsyncDisposable
{
    private readonly SandboxManager _manager;
    private readonly EnvironmentFactory _factory;
    private readonly PulledImage _image;
    private readonly FunctionConfig _function;
    private readonly LogFollower _logs;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ExecutionEnvironment? _environment;
    private bool _disposed;

    public RunSession(string agentBinary, PulledImage image, FunctionConfig function, LogFollower logs)
    {
        DataDirectory = Directory.CreateTempSubdirectory("lamina-run-").FullName;
        CgroupParent = "lamina-run-" + Guid.NewGuid().ToString("N")[..10];
        _manager = new SandboxManager(new SandboxManagerOptions(DataDirectory, CgroupParent));
        _factory = new EnvironmentFactory(_manager, new EnvironmentOptions(agentBinary));
        _image = image;
        _function = function;
        _logs = logs;
    }

    /// <summary>Host directory holding the sandbox (removed on dispose).</summary>
    public string DataDirectory { get; }

    /// <summary>cgroup parent name (under every v1 hierarchy, or the v2 root; removed on dispose).</summary>
    public string CgroupParent { get; }

    /// <summary>The running environment's sandbox id, for status lines.</summary>
    public string? SandboxId => _environment?.Sandbox.Id;

    /// <summary>Starts the environment now (cold start before the first request), or returns why it cannot.</summary>
    public async Task<EnvironmentError?> StartAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await EnsureStartedAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// One invoke; a gone environment is destroyed and a fresh one serves the next invoke. Like Lambda, an
    /// invoke runs to its end even if the caller hangs up (cancelling it would throw the environment away);
    /// only stopping the session cuts it short. <paramref name="ct"/> covers the wait for a previous invoke.
    /// </summary>
    public async Task<(InvokeResult? Result, EnvironmentError? Error)> InvokeAsync(byte[] payload, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (await EnsureStartedAsync(_stopping.Token) is { } startError) return (null, startError);
            var (result, error) = await _environment!.InvokeAsync(payload, Guid.NewGuid().ToString(), _stopping.Token);
            if (error?.Code == EnvironmentErrorCode.Gone)
            {
                await _environment.DestroyAsync();
                _environment = null;
            }
            return (result, error);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<EnvironmentError?> EnsureStartedAsync(CancellationToken ct)
    {
        if (_environment is not null) return null;
        var id = "run-" + Guid.NewGuid().ToString("N")[..12];
        var (environment, error) = await _factory.StartAsync(id, _image, _function, ct);
        if (environment is null) return error;
        _environment = environment;
        _logs.Follow(environment.Sandbox.StdoutPath);
        _logs.Follow(environment.Sandbox.StderrPath);
        return null;
    }

    /// <summary>Cuts short an invoke in flight (its caller gets an error), so the listener can stop without waiting for it.</summary>
    public Task CancelInvokesAsync() => _stopping.CancelAsync();

    /// <summary>Destroys the environment, then removes whatever is left under this session's directory and cgroup parent.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _gate.WaitAsync();
        try
        {
            if (_disposed) return;
            _disposed = true;
            // The follower reads the last lines before the files go with the sandbox directory.
            await _logs.DisposeAsync();
            if (_environment is not null) await _environment.DestroyAsync();
            _environment = null;
            await new SandboxManager(new SandboxManagerOptions(DataDirectory, CgroupParent)).RecoverAsync();
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
            // Through the host's layout: /sys/fs/cgroup/<hierarchy>/<parent> on v1, /sys/fs/cgroup/<parent> on v2.
            SandboxCgroups.RemoveParentIfEmpty(CgroupParent);
        }
        finally
        {
            _gate.Release();
        }
    }
}
