namespace Lamina.Cli.Run;

/// <summary>
/// Copies what the sandbox writes to its stdout and stderr files (the runtime's output and the agent's
/// START/END/REPORT lines) to this terminal as it appears, like <c>docker run</c> shows a container's output.
/// </summary>
internal sealed class LogFollower(TextWriter output) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    /// <summary>Starts following <paramref name="path"/> from its start; a missing file is waited for.</summary>
    public void Follow(string path) => _loops.Add(Task.Run(() => LoopAsync(path, _stop.Token)));

    private async Task LoopAsync(string path, CancellationToken ct)
    {
        long position = 0;
        var buffer = new byte[64 * 1024];
        var decoder = System.Text.Encoding.UTF8.GetDecoder();
        var chars = new char[buffer.Length + 1];
        while (true)
        {
            var stopping = ct.IsCancellationRequested;
            try
            {
                await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                file.Position = Math.Min(position, file.Length);
                int n;
                while ((n = await file.ReadAsync(buffer, CancellationToken.None)) > 0)
                {
                    position += n;
                    var count = decoder.GetChars(buffer, 0, n, chars, 0);
                    lock (output)
                    {
                        output.Write(chars, 0, count);
                        output.Flush();
                    }
                }
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
            {
            }
            // One last read after the stop request, so the final REPORT line is not lost.
            if (stopping) return;
            try
            {
                await Task.Delay(50, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Reads what is left, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}
