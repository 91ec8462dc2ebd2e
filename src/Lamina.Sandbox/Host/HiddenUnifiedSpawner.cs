using System.Collections.Concurrent;
using System.Diagnostics;

namespace Lamina.Sandbox.Host;

/// <summary>
/// Starts processes in a private mount namespace without /sys/fs/cgroup/unified (crun on a hybrid cgroup host, see
/// <see cref="HybridCgroups"/>), without the extra processes an <c>unshare --mount sh -c 'umount …; exec …'</c>
/// wrapper costs per create (an unshare exec and a umount fork + exec). Namespaces belong to threads, and a child
/// inherits the one of the thread that forks it, so a few dedicated threads do per start what the wrapper did: a
/// fresh private copy of the process's mount namespace (unshare: the copy holds the rootfs mounted just before,
/// which a namespace made once would not, the host's / being private), the cgroup2 mount detached in the copy
/// only, <see cref="Process.Start(ProcessStartInfo)"/>, then back (setns). The host's mounts are never touched.
/// </summary>
internal static class HiddenUnifiedSpawner
{
    private const string Unified = "/sys/fs/cgroup/unified";

    // A burst's creates do not queue behind one thread (each start copies the mount table, which takes a few
    // milliseconds on a loaded host); as many as the cores, the most a CPU-bound burst can use at once.
    private static readonly int Threads = Math.Clamp(Environment.ProcessorCount, 2, 8);
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Done)> Jobs = [];
    private static readonly Lazy<string?> Started = new(StartThread);
    private static int _hostNamespace = -1;

    /// <summary>Starts <paramref name="start"/> in a private mount namespace without the cgroup2 mount.</summary>
    /// <exception cref="IOException">The namespace could not be made (the message says which step failed).</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The executable could not be started.</exception>
    public static Task<Process> StartAsync(ProcessStartInfo start)
    {
        if (Started.Value is { } error) return Task.FromException<Process>(new IOException(error));
        var done = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Jobs.Add((start, done));
        return done.Task;
    }

    private static string? StartThread()
    {
        // /proc/self is the thread group leader, which never leaves the process's namespace.
        _hostNamespace = Libc.open("/proc/self/ns/mnt", Libc.OReadOnlyCloexec);
        if (_hostNamespace < 0) return "open /proc/self/ns/mnt: " + Libc.LastError();
        for (var i = 0; i < Threads; i++) new Thread(Run) { IsBackground = true, Name = "lamina mntns spawner" }.Start();
        return null;
    }

    private static void Run()
    {
        // A thread inherits the mount namespace of the thread that creates it, so nothing may make a thread here
        // while this one is in a copy: runtime threads made lazily on a first process start (signal handling) are
        // made now, at home, and each job is completed (which may add a thread-pool worker) only back home.
        try { using var warm = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false }); warm?.WaitForExit(); }
        catch (System.ComponentModel.Win32Exception) { }
        string? broken = null;
        foreach (var (start, done) in Jobs.GetConsumingEnumerable())
        {
            Process? process = null;
            Exception? failure = null;
            try
            {
                if ((broken ?? Enter()) is { } error) failure = new IOException(error);
                else process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + start.FileName);
            }
            catch (Exception e) { failure = e; }
            // Back home right away: the copy then lives only as long as the child and holds no mount of a sandbox
            // destroyed later. A thread stuck in a copy would start later children with stale mounts: refuse instead.
            if (broken is null && GoHome() is { } homeError) broken = homeError;
            if (failure is null) done.SetResult(process!);
            else done.SetException(failure);
        }
    }

    // A private filesystem context (setns into a mount namespace is refused while it is shared, and threads made
    // from this one share it) and a fresh copy of the process's namespace, private, without the cgroup2 mount.
    private static string? Enter()
    {
        if (Libc.unshare(Libc.CloneFs | Libc.CloneNewns) != 0) return "unshare(CLONE_FS | CLONE_NEWNS): " + Libc.LastError();
        // Private first, so the detach below cannot propagate to the host whatever its propagation settings.
        if (Libc.mount("none", "/", null, Libc.MsRec | Libc.MsPrivate, null) != 0) return "make / private: " + Libc.LastError();
        if (Libc.umount2(Unified, Libc.MntDetach) != 0) return $"umount {Unified}: " + Libc.LastError();
        return null;
    }

    private static string? GoHome()
    {
        if (Libc.unshare(Libc.CloneFs) != 0) return "unshare(CLONE_FS): " + Libc.LastError();
        return Libc.setns(_hostNamespace, Libc.CloneNewns) == 0 ? null
            : "the crun spawner thread could not return to the process's mount namespace: " + Libc.LastError();
    }
}
