using System.Net;
using System.Text;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>
/// The agent's memory budget must never be bought with correctness: 32 environments each take a maximum-size
/// (6 MiB) event at the same time and every one is echoed back whole (bench/agent/peaks.sh measures the same
/// burst's peak; any memory setting that cannot hold ~0.4 GB of in-flight payloads fails here).
/// </summary>
public sealed class LargePayloadConcurrencyTests
{
    private const int Environments = 32;
    private const int PayloadBytes = 6 * 1024 * 1024;

    [Fact]
    public async Task Thirty_two_concurrent_six_MiB_events_are_all_answered_in_full()
    {
        // 32 Python runtimes start at once: on a loaded 2-core machine their init can exceed AWS's 10 s (a CI-like
        // run at load 50-75 answered 408 "Task timed out" after 43 s), which says nothing about memory.
        await using var agent = await AgentProcess.StartPythonAsync(new Dictionary<string, string>
        {
            ["AWS_LAMBDA_MAX_CONCURRENCY"] = Environments.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LAMINA_INIT_TIMEOUT_SECONDS"] = "120",
        });

        // {"n":"07","pad":"…"}: exactly 6 MiB, distinct per invoke so an answer cannot be another's.
        static string Event(int n)
        {
            var head = $$"""{"n":"{{n:D2}}","pad":" """.TrimEnd();
            return head + new string((char)('a' + n % 26), PayloadBytes - head.Length - 2) + "\"}";
        }
        var sent = Enumerable.Range(0, Environments).Select(Event).ToArray();
        Assert.All(sent, e => Assert.Equal(PayloadBytes, Encoding.UTF8.GetByteCount(e)));

        var answers = await Task.WhenAll(sent.Select(async e =>
        {
            using var response = await agent.InvokeAsync(e);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));

        for (var i = 0; i < Environments; i++)
        {
            Assert.Equal(HttpStatusCode.OK, answers[i].StatusCode);
            Assert.Equal(PayloadBytes, answers[i].Body.Length);
            Assert.True(answers[i].Body == sent[i], $"invoke {i}: the answer is not its own event (starts {answers[i].Body[..Math.Min(40, answers[i].Body.Length)]})");
        }
        Assert.False(agent.Process.HasExited);
    }
}
