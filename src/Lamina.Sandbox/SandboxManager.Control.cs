using Lamina.Sandbox.Host;

namespace Lamina.Sandbox;

public sealed partial class SandboxManager
{
    /// <summary>
    /// Seals the control directory once the agent listens in it: the directory and everything in it (the
    /// agent's socket) become root's, the directory mode 0700 and the socket 0600. The agent keeps its
    /// listening socket (bind needed the directory writable, accept does not); the function, which runs with
    /// the agent's uid, can no longer connect to the socket, replace it, or write anything in /run/lamina.
    /// Call it after the agent answered health and before anything else runs in the sandbox (the runtime
    /// starts at init). Idempotent.
    /// </summary>
    /// <returns>Null, or the error (the sandbox is left as it was found; the caller should destroy it).</returns>
    public SandboxError? SealControlDirectory(SandboxHandle sandbox)
    {
        var directory = sandbox.ControlDirectory;
        try
        {
            // Entries first, then the directory: the directory's mode is what keeps new entries out.
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
            {
                if (Libc.lchown(entry, 0, 0) != 0) return Failed($"chown {entry}: {Libc.LastError()}");
                if ((File.GetAttributes(entry) & FileAttributes.ReparsePoint) == 0)
                    File.SetUnixFileMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            if (Libc.lchown(directory, 0, 0) != 0) return Failed($"chown {directory}: {Libc.LastError()}");
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(e.Message);
        }

        static SandboxError Failed(string message) => new(SandboxErrorCode.RuntimeFailed, "sealing the control directory: " + message);
    }
}
