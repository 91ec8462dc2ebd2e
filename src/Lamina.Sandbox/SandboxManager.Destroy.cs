using Lamina.Sandbox.Host;
using Lamina.Sandbox.Runc;

namespace Lamina.Sandbox;

public sealed partial class SandboxManager
{
    /// <summary>
    /// Destroys the sandbox whatever its state: kills its processes, deletes the runc container,
    /// unmounts the rootfs, removes the cgroups and every file. Safe to call twice.
    /// </summary>
    /// <returns>Null, or <see cref="SandboxErrorCode.CleanupIncomplete"/> naming what is left.</returns>
    public async Task<SandboxError?> DestroyAsync(SandboxHandle sandbox)
    {
        await sandbox.Gate.WaitAsync();
        try
        {
            if (!sandbox.Exited.IsCompleted) sandbox.StopRequested = true;
            KeepFinalCounters(sandbox);
            var error = await CleanupAsync(sandbox.Id);
            sandbox.State = SandboxState.Destroyed;
            await sandbox.ReleaseAsync();
            _sandboxes.TryRemove(sandbox.Id, out _);
            return error;
        }
        finally { sandbox.Gate.Release(); }
    }

    /// <summary>
    /// Removes everything sandbox <paramref name="id"/> may own, in dependency order:
    /// 1 runc (crun) delete --force (kills, removes its state and cgroups), 2 kill what is left in the
    /// cgroups and rmdir them, 3 drop the runtime's state dir if it lost track, 4 unmount everything under
    /// the sandbox dir, 5 delete the dir — only once no mount remains, so the recursive delete can
    /// never walk into an image snapshot or a host directory.
    /// </summary>
    private Task<SandboxError?> CleanupAsync(string id) => CleanupAsync(id, _runc);

    /// <summary>The same, with the runtime whose state root holds the sandbox (recovery: another runtime's leftovers).</summary>
    private async Task<SandboxError?> CleanupAsync(string id, RuncCli runtime)
    {
        var left = new List<string>();
        // Step 1
        var deleted = await runtime.DeleteAsync(id);
        // Step 2
        left.AddRange(await Cgroups.KillAndRemoveAsync(Options.CgroupParent, id, Options.KillTimeout));
        // Step 3
        var state = Path.Combine(runtime.StateRoot, id);
        if (Directory.Exists(state))
        {
            if (deleted.Ok) left.Add(state);
            else TryDeleteTree(state, left);
        }
        // Step 4
        var dir = Layout.SandboxDirectory(id);
        var mounts = RootFs.UnmountAll(dir);
        left.AddRange(mounts);
        // Step 5
        if (mounts.Count == 0 && Directory.Exists(dir)) TryDeleteTree(dir, left);
        return left.Count == 0 ? null
            : new SandboxError(SandboxErrorCode.CleanupIncomplete, $"Sandbox '{id}' left behind: {string.Join(", ", left)}");
    }

    private static void TryDeleteTree(string dir, List<string> left)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { left.Add(dir); }
        catch (UnauthorizedAccessException) { left.Add(dir); }
    }
}
