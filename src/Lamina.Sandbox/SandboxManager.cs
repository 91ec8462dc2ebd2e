using System.Collections.Concurrent;
using System.Text.Json;
using Lamina.Sandbox.Host;
using Lamina.Sandbox.Runc;
using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox;

/// <summary>
/// Creates, runs, freezes and destroys sandboxes with runc (or crun: <see cref="SandboxManagerOptions.Runtime"/>).
/// One manager owns one data directory, one runtime state root and one cgroup parent; call <see cref="RecoverAsync"/> once at start to
/// remove what a previous process left behind.
/// </summary>
public sealed partial class SandboxManager
{
    private readonly ConcurrentDictionary<string, SandboxHandle> _sandboxes = new(StringComparer.Ordinal);
    private readonly RuncCli _runc;
    private readonly Skeletons _skeletons;

    /// <summary>
    /// Creates a manager; touches nothing on the host until a method is called. Reads which cgroup layout the
    /// host has (v1 or v2, <see cref="CgroupLayout"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">A cgroup v2 host that does not offer a controller the sandboxes'
    /// limits need (the message names it).</exception>
    public SandboxManager(SandboxManagerOptions options) : this(options, CgroupLayout.Host) { }

    /// <summary>A manager over <paramref name="cgroups"/> (tests: a v2 layout rooted at a real cgroup2 mount).</summary>
    internal SandboxManager(SandboxManagerOptions options, CgroupLayout cgroups)
    {
        Options = options;
        Cgroups = cgroups;
        Layout = new SandboxLayout(options.DataDirectory);
        _skeletons = new Skeletons(Layout);
        _seccompFilter = SeccompFilterWriter(Layout);
        _runc = new RuncCli(options.RuntimePath, Layout.RuntimeRoot(options.Runtime),
            hideUnifiedCgroup: options.Runtime == OciRuntime.Crun && HybridCgroups.UnifiedHasControllers());
        if (options.CgroupParent.Length == 0 || options.CgroupParent.Contains('/') || options.CgroupParent.Contains(".."))
            throw new ArgumentException("CgroupParent must be a single directory name.", nameof(options));
        if (options.Cpu.Validate() is [var cpuError, ..])
            throw new ArgumentException(cpuError, nameof(options));
        if (cgroups.CheckHost() is { } cgroupError) throw new InvalidOperationException(cgroupError);
    }

    /// <summary>The host's cgroup layout: every cgroup file Lamina reads or writes itself goes through it.</summary>
    internal CgroupLayout Cgroups { get; }

    /// <summary>The manager's settings.</summary>
    public SandboxManagerOptions Options { get; }

    /// <summary>The manager's on-disk layout.</summary>
    public SandboxLayout Layout { get; }

    /// <summary>The sandbox with this id, if this manager created it.</summary>
    public SandboxHandle? Find(string id) => _sandboxes.GetValueOrDefault(id);

    /// <summary>
    /// Step 1 mount the overlay rootfs, step 2 write config.json, step 3 runc create. On failure
    /// everything done so far is undone and the error returned. Waits while <see cref="RecoverAsync"/> runs.
    /// </summary>
    public async Task<SandboxResult<SandboxHandle>> CreateAsync(SandboxRequest request)
    {
        if (SandboxRequestValidator.Validate(request) is { } invalid) return invalid;
        // Not while RecoverAsync lists and removes what is not in _sandboxes. A create that passed this just
        // before a recovery began is safe too: its id enters _sandboxes before any of its resources exist,
        // so recovery either sees the id in the table or lists the host before the resources appear.
        await _recovery.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var id = request.Id;
        var sandbox = new SandboxHandle(id, Layout);
        if (!_sandboxes.TryAdd(id, sandbox) || Directory.Exists(Layout.SandboxDirectory(id)))
        {
            _sandboxes.TryRemove(new(id, sandbox));
            return new SandboxError(SandboxErrorCode.AlreadyExists, $"Sandbox '{id}' already exists.");
        }

        try
        {
            return await CreateCoreAsync(request, sandbox);
        }
        catch
        {
            // An unexpected failure (disk full, say) must not leave a half-built sandbox behind.
            await CleanupAsync(id);
            _sandboxes.TryRemove(id, out _);
            throw;
        }
    }

    // Room for the control socket and a few small files; a socket takes an inode, no data.
    private const int ControlTmpfsBytes = 256 * 1024;

    private async Task<SandboxResult<SandboxHandle>> CreateCoreAsync(SandboxRequest request, SandboxHandle sandbox)
    {
        var id = request.Id;
        Directory.CreateDirectory(_runc.StateRoot);
        Directory.CreateDirectory(Layout.Bundle(id));
        var control = Layout.Control(id);
        Directory.CreateDirectory(control);
        // The sandbox user must be able to create its socket here; nobody else on the host needs to. A small
        // tmpfs, not the data directory's disk: the function can write here too, and must not fill the host's disk.
        // Cleanup unmounts it with everything else under the sandbox directory.
        if (Libc.mount("tmpfs", control, "tmpfs", Libc.MsNosuid | Libc.MsNodev | Libc.MsNoexec,
                $"size={ControlTmpfsBytes},nr_inodes=64,mode=0700,uid={SpecBuilder.SandboxUid},gid={SpecBuilder.SandboxGid}") != 0)
        {
            var message = $"mount tmpfs at {control}: {Libc.LastError()}";
            await CleanupAsync(id);
            _sandboxes.TryRemove(id, out _);
            return new SandboxError(SandboxErrorCode.MountFailed, message);
        }
        File.SetUnixFileMode(control, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Chown(control, SpecBuilder.SandboxUid, SpecBuilder.SandboxGid);

        // Step 1
        if (RootFs.Mount(Layout, request, _skeletons) is { } mountError)
        {
            await CleanupAsync(id);
            _sandboxes.TryRemove(id, out _);
            return mountError;
        }

        // Step 2 (on cgroup v2 the parent must enable the controllers for its children first)
        if (Cgroups.PrepareParent(Options.CgroupParent) is { } parentError)
        {
            await CleanupAsync(id);
            _sandboxes.TryRemove(id, out _);
            return new SandboxError(SandboxErrorCode.RuntimeFailed, parentError);
        }
        var spec = RuntimeSpecAdapter.For(SpecBuilder.Build(request, control, Options.CgroupParent, Options.Cpu,
            Cgroups.SwapAccounting(Options.CgroupParent), SeccompFilterFor(request)), Options.Runtime);
        await File.WriteAllBytesAsync(Path.Combine(Layout.Bundle(id), "config.json"),
            JsonSerializer.SerializeToUtf8Bytes(spec, SpecJsonContext.Default.RuntimeSpec));

        // Step 3
        var r = await _runc.CreateAsync(id, Layout.Bundle(id), Layout.PidFile(id),
            Layout.Stdout(id), Layout.Stderr(id), Layout.RuncLog(id));
        if (!r.Ok || !int.TryParse(await ReadOrEmpty(Layout.PidFile(id)), out var pid))
        {
            var message = $"{Options.Runtime.Name()} create failed (exit {r.ExitCode}): {(RuncFailureText(id) is { Length: > 0 } text ? text : r.Error)}";
            await CleanupAsync(id);
            _sandboxes.TryRemove(id, out _);
            return new SandboxError(SandboxErrorCode.RuntimeFailed, message);
        }
        sandbox.State = SandboxState.Created;
        if (Options.Cpu.InitBoost && Options.Cpu.QuotaUs(request.MemoryMb) is > 0 and var quota) sandbox.PendingQuotaUs = quota;
        sandbox.Watch(pid);
        return sandbox;
    }

    /// <summary>Lets the created sandbox's process exec its command (runc start).</summary>
    public Task<SandboxError?> StartAsync(SandboxHandle sandbox) =>
        TransitionAsync(sandbox, "start", [SandboxState.Created], SandboxState.Running, async () =>
        {
            var r = await _runc.StartAsync(sandbox.Id);
            return r.Ok ? null : $"{Options.Runtime.Name()} start exited {r.ExitCode}: {r.Error}";
        });

    /// <summary>
    /// Freezes every process in the sandbox: the cgroup freezer, written directly (v1: see <see cref="Freezer"/>,
    /// v2: cgroup.freeze; runc pause did the same through a process spawn). A freeze that does not complete within
    /// <see cref="SandboxManagerOptions.FreezeTimeout"/> leaves the sandbox running and returns the error.
    /// </summary>
    public Task<SandboxError?> FreezeAsync(SandboxHandle sandbox) =>
        TransitionAsync(sandbox, "freeze", [SandboxState.Running], SandboxState.Frozen,
            () => Cgroups.FreezeAsync(Options.CgroupParent, sandbox.Id, Options.FreezeTimeout));

    /// <summary>Thaws a frozen sandbox (the cgroup freezer, written directly).</summary>
    public Task<SandboxError?> ThawAsync(SandboxHandle sandbox) =>
        TransitionAsync(sandbox, "thaw", [SandboxState.Frozen], SandboxState.Running,
            () => Cgroups.ThawAsync(Options.CgroupParent, sandbox.Id));

    private static async Task<SandboxError?> TransitionAsync(SandboxHandle sandbox, string verb, SandboxState[] from,
        SandboxState to, Func<Task<string?>> action)
    {
        await sandbox.Gate.WaitAsync();
        try
        {
            if (sandbox.Exited.IsCompleted && sandbox.State is not SandboxState.Destroyed) sandbox.State = SandboxState.Stopped;
            if (!from.Contains(sandbox.State))
                return new(SandboxErrorCode.InvalidState, $"Cannot {verb} sandbox '{sandbox.Id}' in state {sandbox.State}.");
            if (await action() is { } failure) return new(SandboxErrorCode.RuntimeFailed, $"{verb} of sandbox '{sandbox.Id}' failed: {failure}");
            sandbox.State = to;
            return null;
        }
        finally { sandbox.Gate.Release(); }
    }

    private string RuncFailureText(string id)
    {
        // runc writes its reason both to its log (JSON-free text) and to stderr; prefer the log.
        var text = ReadTail(Layout.RuncLog(id));
        return text.Length > 0 ? text : ReadTail(Layout.Stderr(id));
    }

    private static string ReadTail(string path)
    {
        try
        {
            var s = File.ReadAllText(path).Trim();
            return s.Length > 2000 ? s[^2000..] : s;
        }
        catch (IOException) { return ""; }
    }

    private static async Task<string> ReadOrEmpty(string path)
    {
        try { return (await File.ReadAllTextAsync(path)).Trim(); }
        catch (IOException) { return ""; }
    }

    private static void Chown(string path, uint uid, uint gid)
    {
        if (Libc.chown(path, uid, gid) != 0) throw new IOException($"chown {path}: {Libc.LastError()}");
    }
}
