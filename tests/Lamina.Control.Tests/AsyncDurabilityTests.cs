using System.Diagnostics;
using System.Text.Json;
using Lamina.Control.Async;
using Lamina.Control.Invoke;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Lamina.Control.Tests;

/// <summary>
/// An Event invocation acknowledged with 202 survives a SIGKILL of a real <c>lamina server</c> process and
/// runs after the restart (at least once: duplicates are counted, never lost).
/// </summary>
public sealed class AsyncDurabilityTests(ITestOutputHelper output)
{
    // boto3 sends Event invokes {"n": i} until the server disappears, printing each acknowledged n.
    private const string Sender = """
        import boto3, json, os, sys
        from botocore.config import Config
        c = boto3.client("lambda", endpoint_url=sys.argv[1], config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30))
        for i in range(100000):
            try:
                r = c.invoke(FunctionName="f", InvocationType="Event", Payload=json.dumps({"n": i}))
            except Exception as e:
                print("stopped:", type(e).__name__, file=sys.stderr, flush=True)
                break
            if r["StatusCode"] != 202:
                print("status", r["StatusCode"], file=sys.stderr, flush=True)
                break
            print(i, flush=True)
        """;

    [Fact]
    public async Task Acknowledged_events_survive_sigkill_and_run_after_restart()
    {
        var invoker = new ScriptedInvoker();
        void Configure(IServiceCollection s)
        {
            s.AddSingleton<IFunctionInvoker>(invoker);
            s.AddSingleton(new AsyncInvokeOptions { RetryBaseDelay = TimeSpan.FromSeconds(1), PollInterval = TimeSpan.FromMilliseconds(200) });
        }
        await using var t = await ControlTestHost.StartAsync(configure: Configure);
        await AsyncTestFunctions.CreateAsync(t, "f");
        await t.StopAsync();

        // A real server process (no invoker configured: events fail with a platform error and wait a minute to retry).
        var acked = new List<int>();
        using (var server = await LaminaProcess.StartAsync(t.DataDir))
        {
            var script = Path.Combine(t.DataDir, "sender.py");
            await File.WriteAllTextAsync(script, Sender);
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(server.BaseAddress.ToString().TrimEnd('/'));
            foreach (var (k, v) in t.AwsEnv()) start.Environment[k] = v;
            using var sender = Process.Start(start)!;
            var stderr = sender.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (acked.Count < 40 && await sender.StandardOutput.ReadLineAsync() is { } line)
            {
                acked.Add(int.Parse(line, System.Globalization.CultureInfo.InvariantCulture));
                Assert.True(DateTime.UtcNow < deadline, "40 acknowledgements took over 3 minutes");
            }
            server.KillHard();
            while (await sender.StandardOutput.ReadLineAsync() is { } line) acked.Add(int.Parse(line, System.Globalization.CultureInfo.InvariantCulture));
            await sender.WaitForExitAsync();
            Assert.True(acked.Count >= 40, $"only {acked.Count} events acknowledged; sender: {await stderr}\nserver:\n{server.Log}");
        }

        // Every acknowledged event is in async.db after the SIGKILL.
        var stored = new HashSet<int>();
        using (var c = new SqliteConnection($"Data Source={Path.Combine(t.DataDir, "async.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT payload FROM events";
            using var r = cmd.ExecuteReader();
            while (r.Read()) stored.Add(JsonDocument.Parse((byte[])r.GetValue(0)).RootElement.GetProperty("n").GetInt32());
        }
        Assert.Empty(acked.Except(stored));

        // Restarted with a working invoker: every acknowledged event runs.
        await t.RestartAsync(Configure);
        var arrivals = await invoker.WaitAsync(a => acked.All(n => a.Any(x => x.Payload.Contains($"\"n\": {n}}}", StringComparison.Ordinal))),
            "every acknowledged event", timeoutSeconds: 180);
        var store = t.Host.Services.GetRequiredService<AsyncEventStore>();
        var drained = DateTime.UtcNow.AddSeconds(60);
        while (store.Count() > 0 && DateTime.UtcNow < drained) await Task.Delay(100);
        Assert.Equal(0, store.Count());
        var perEvent = invoker.Arrivals.GroupBy(a => a.Payload).ToList();
        var duplicates = perEvent.Sum(g => g.Count() - 1);
        output.WriteLine($"acknowledged {acked.Count}, stored at kill {stored.Count}, ran after restart {perEvent.Count} distinct, {duplicates} duplicates");
        Assert.Equal(stored.Count, perEvent.Count);
    }
}
