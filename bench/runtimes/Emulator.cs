using System.Collections.Concurrent;
using System.Diagnostics;

namespace Lamina.Bench.Runtimes;

/// <summary>lamina-init in emulator mode on free ports with a runtime command; stdout lines collected.</summary>
internal sealed class Emulator : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Emulator(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) _listening.TrySetException(new InvalidOperationException("lamina-init exited before listening"));
            else if (e.Data.StartsWith("lamina-init: listening ", StringComparison.Ordinal)) _listening.TrySetResult(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public ConcurrentQueue<string> Stdout { get; } = new();

    public Uri Invoke { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts the agent and waits for its listening line.</summary>
    public static async Task<Emulator> StartAsync(string agent, IReadOnlyList<string> command, IDictionary<string, string> env)
    {
        var info = new ProcessStartInfo(agent) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--runtime-api-address", "127.0.0.1:0", "--runtime-interface-emulator-address", "127.0.0.1:0", "--"]) info.ArgumentList.Add(a);
        foreach (var a in command) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        var emulator = new Emulator(Process.Start(info)!);
        var line = await emulator._listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var start = line.IndexOf("invoke-api=", StringComparison.Ordinal) + "invoke-api=".Length;
        var end = line.IndexOf(' ', start);
        emulator.Invoke = new Uri($"http://{(end < 0 ? line[start..] : line[start..end])}/2015-03-31/functions/function/invocations");
        return emulator;
    }

    /// <summary>A figure from the REPORT lines ("Init Duration", "Max Memory Used"), from the last line that has it.</summary>
    public async Task<double?> ReportFieldAsync(string field)
    {
        for (var i = 0; i < 100; i++)
        {
            var line = Stdout.LastOrDefault(l => l.StartsWith("REPORT", StringComparison.Ordinal) && l.Contains(field, StringComparison.Ordinal));
            if (line is not null)
            {
                var value = line[(line.IndexOf(field, StringComparison.Ordinal) + field.Length + 2)..].Split(' ')[0];
                return double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            await Task.Delay(20);
        }
        return null;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
