using Microsoft.Win32.SafeHandles;

namespace Lamina.Scheduler;

/// <summary>
/// One of an environment's log files (the sandbox's stdout or stderr), opened on the first read and kept open until
/// the environment is destroyed, so the per-invoke log read opens and closes nothing.
/// </summary>
internal sealed class LogFileHandle : IDisposable
{
    private readonly Lock _lock = new();
    private SafeFileHandle? _handle;
    private bool _disposed;

    /// <summary>The open handle, opening <paramref name="path"/> first if needed; null when the file does not exist
    /// (yet) or this was disposed.</summary>
    public SafeFileHandle? Open(string path)
    {
        lock (_lock)
        {
            if (_disposed) return null;
            if (_handle is null)
            {
                try
                {
                    _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    return null;
                }
            }
            return _handle;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _handle?.Dispose();
            _handle = null;
        }
    }
}
