using System.Diagnostics;
using System.Text;

namespace Lamina.EndToEnd.Tests.Registries;

/// <summary>
/// A server started as a separate OS process with its output collected. Disposing kills the whole
/// process tree, so a failing test never leaves a server behind.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly Lock _gate = new();

    private ServerProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far (stdout and stderr interleaved).</summary>
    public string Log
    {
        get
        {
            lock (_gate) return _log.ToString();
        }
    }

    /// <summary>Raised for every line printed on stdout or stderr.</summary>
    public event Action<string>? LinePrinted;

    public static ServerProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach (var (k, v) in environment) start.Environment[k] = v;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>SIGKILL: the process gets no chance to flush or clean up.</summary>
    public void KillHard()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    public Task WaitForExitAsync(CancellationToken ct) => _process.WaitForExitAsync(ct);

    public void Dispose()
    {
        try
        {
            KillHard();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            if (_log.Length < 1_000_000) _log.AppendLine(line);
        }
        LinePrinted?.Invoke(line);
    }
}
