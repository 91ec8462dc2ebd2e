using Lamina.Sandbox.Host;

namespace Lamina.Sandbox;

/// <summary>A handle on one execution environment owned by a <see cref="SandboxManager"/>.</summary>
public sealed class SandboxHandle
{
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pidfd = -1;

    internal SandboxHandle(string id, SandboxLayout layout)
    {
        Id = id;
        Directory = layout.SandboxDirectory(id);
        ControlDirectory = layout.Control(id);
        StdoutPath = layout.Stdout(id);
        StderrPath = layout.Stderr(id);
    }

    /// <summary>The sandbox id (also the runc container id and cgroup name).</summary>
    public string Id { get; }

    /// <summary>The sandbox's host directory.</summary>
    public string Directory { get; }

    /// <summary>Host side of /run/lamina, for the agent's control socket.</summary>
    public string ControlDirectory { get; }

    /// <summary>Host file receiving the first process's standard output.</summary>
    public string StdoutPath { get; }

    /// <summary>Host file receiving the first process's standard error.</summary>
    public string StderrPath { get; }

    /// <summary>Host pid of the sandbox's first process (0 before create).</summary>
    public int Pid { get; private set; }

    /// <summary>Current lifecycle state.</summary>
    public SandboxState State { get; internal set; }

    /// <summary>Set when Lamina itself stopped the process (so the exit is not the function's doing).</summary>
    internal bool StopRequested { get; set; }

    /// <summary>
    /// The cgroup counters as last read before destroy removed the cgroups (OOM kills, forks refused by the pids
    /// limit), so a caller that asks after the environment was replaced still gets the true count, not 0.
    /// </summary>
    internal long FinalOomKills, FinalPidsLimitHits;

    /// <summary>The CFS quota (µs per period) still to be written when init ends; 0 when none is pending.</summary>
    internal long PendingQuotaUs;

    /// <summary>true while the sandbox runs without its CFS quota (see <see cref="CpuLimits.InitBoost"/>).</summary>
    public bool InitCpuBoosted => Volatile.Read(ref PendingQuotaUs) != 0;

    /// <summary>Serializes lifecycle operations on this sandbox.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Completes when the first process has exited.</summary>
    public Task Exited => _exited.Task;

    /// <summary>Starts watching the first process through a pidfd (works for non-children).</summary>
    internal void Watch(int pid)
    {
        Pid = pid;
        _pidfd = Libc.PidfdOpen(pid);
        if (_pidfd < 0) { _exited.TrySetResult(); return; }
        var fd = _pidfd;
        _ = Task.Factory.StartNew(() =>
        {
            // Wake up now and then so a destroyed sandbox's watcher ends even if poll never fires.
            while (!Libc.WaitReadable(fd, 1000) && State != SandboxState.Destroyed) { }
            _exited.TrySetResult();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Releases the pidfd once the watcher is done.</summary>
    internal async Task ReleaseAsync()
    {
        _exited.TrySetResult();
        await Task.Yield();
        var fd = Interlocked.Exchange(ref _pidfd, -1);
        if (fd >= 0) Libc.close(fd);
    }
}
