using System.Diagnostics;
using System.Text.Json;
using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox.Runc;

/// <summary>Runs the runc (or crun) command line against one state directory (--root).</summary>
/// <remarks>
/// Containers are created detached and without a terminal: the container's stdio are the files
/// runc itself was given, so <c>create</c> runs through <c>/bin/sh -c 'exec runc …'</c> with stdout
/// and stderr redirected to the sandbox's log files — nothing of ours stays attached to the
/// container, and no runc process lingers after create returns.
/// crun takes the same commands and flags Lamina uses (checked against crun 1.8.1: --root, --log, create
/// --bundle --pid-file, start, kill ID SIGNAL with a bare signal name, delete --force, state, list -q) and prints
/// the same state JSON; one difference matters: crun's delete --force of an unknown id succeeds, which
/// cleanup tolerates (it then finds no state directory). A missing executable is a failed result, not an
/// exception, so recovery can still remove another runtime's leftovers by hand.
/// </remarks>
internal sealed class RuncCli(Lazy<RuntimeExecutable> executable, string stateRoot, bool hideUnifiedCgroup = false)
{
    /// <summary>Runs the executable at <paramref name="path"/> itself (no sealed copy).</summary>
    public RuncCli(string path, string stateRoot, bool hideUnifiedCgroup = false)
        : this(new Lazy<RuntimeExecutable>(RuntimeExecutable.AsIs(path)), stateRoot, hideUnifiedCgroup) { }

    /// <summary>What every command executes (for runc by default a sealed in-memory copy: <see cref="RuntimeExecutable"/>), made on first use.</summary>
    public RuntimeExecutable Executable => executable.Value;

    /// <summary>The runtime's state directory (its --root).</summary>
    public string StateRoot { get; } = stateRoot;

    /// <summary>
    /// True: create runs in a private mount namespace with /sys/fs/cgroup/unified detached (crun on a hybrid
    /// cgroup host, see <see cref="Host.HybridCgroups"/>), made in-process per create by
    /// <see cref="Host.HiddenUnifiedSpawner"/>.
    /// </summary>
    public bool HideUnifiedCgroup { get; } = hideUnifiedCgroup;

    /// <summary>
    /// runc create: sets up namespaces, cgroups and mounts; the process waits for start. <paramref name="run"/>:
    /// <c>run --detach</c> instead, create and start in one runtime process (the process runs its command at once).
    /// </summary>
    public Task<RuncResult> CreateAsync(string id, string bundle, string pidFile, string stdout, string stderr, string log, bool run = false)
    {
        const string script = "exec \"$@\" </dev/null >>\"$LAMINA_STDOUT\" 2>>\"$LAMINA_STDERR\"";
        var psi = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", script } };
        foreach (var a in new[] { "sh", Executable.Path, "--root", StateRoot, "--log", log })
            psi.ArgumentList.Add(a);
        if (run) psi.ArgumentList.Add("run");
        psi.ArgumentList.Add(run ? "--detach" : "create");
        foreach (var a in new[] { "--bundle", bundle, "--pid-file", pidFile, id })
            psi.ArgumentList.Add(a);
        psi.Environment["LAMINA_STDOUT"] = stdout;
        psi.Environment["LAMINA_STDERR"] = stderr;
        return RunAsync(psi, HideUnifiedCgroup);
    }

    /// <summary>runc start: the container's process execs its command.</summary>
    public Task<RuncResult> StartAsync(string id) => RunAsync("start", id);

    /// <summary>runc kill: sends a signal (e.g. "TERM", "KILL") to the container's init.</summary>
    public Task<RuncResult> KillAsync(string id, string signal) => RunAsync("kill", id, signal);

    /// <summary>runc delete --force: kills whatever runs and removes the container's state and cgroups.</summary>
    public Task<RuncResult> DeleteAsync(string id) => RunAsync("delete", "--force", id);

    /// <summary>runc state; null when runc does not know the container.</summary>
    public async Task<RuncState?> StateAsync(string id)
    {
        var r = await RunAsync("state", id);
        return r.ExitCode == 0 ? JsonSerializer.Deserialize(r.Output, SpecJsonContext.Default.RuncState) : null;
    }

    /// <summary>Ids of every container in the state directory (runc list -q).</summary>
    public async Task<List<string>> ListAsync()
    {
        var r = await RunAsync("list", "-q");
        return r.ExitCode == 0
            ? r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : [];
    }

    private Task<RuncResult> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Executable.Path) { ArgumentList = { "--root", StateRoot } };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return RunAsync(psi);
    }

    private static async Task<RuncResult> RunAsync(ProcessStartInfo psi, bool hideUnifiedCgroup = false)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = false;
        psi.UseShellExecute = false;
        Process? started;
        try { started = hideUnifiedCgroup ? await Host.HiddenUnifiedSpawner.StartAsync(psi) : Process.Start(psi); }
        catch (System.ComponentModel.Win32Exception e) { return new RuncResult(127, "", $"cannot run {psi.FileName}: {e.Message}"); }
        // The private namespace could not be made: what the wrapper's `umount … || exit 125` reported.
        catch (IOException e) { return new RuncResult(125, "", e.Message); }
        using var p = started ?? throw new InvalidOperationException("cannot start " + psi.FileName);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return new RuncResult(p.ExitCode, await stdout, (await stderr).Trim());
    }
}

/// <summary>Exit code and output of one runc invocation.</summary>
internal sealed record RuncResult(int ExitCode, string Output, string Error)
{
    public bool Ok => ExitCode == 0;
}
