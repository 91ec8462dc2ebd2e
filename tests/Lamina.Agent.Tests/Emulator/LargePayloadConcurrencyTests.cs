using System.Net;
using System.Text;
using Lamina.Environments.Tests.Fixtures;

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

    /// <param name="published">False: the dll under dotnet with the Python runtime. True: the published NativeAOT
    /// binary, the one that embeds the GC budget caps (Lamina.Agent.csproj), with bench/agent's native runtime.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Thirty_two_concurrent_six_MiB_events_are_all_answered_in_full(bool published)
    {
        // 32 runtimes start at once: on a loaded 2-core machine their init can exceed AWS's 10 s (a CI-like run at
        // load 50-75 answered 408 "Task timed out" after 43 s), which says nothing about memory.
        var env = new Dictionary<string, string>
        {
            ["AWS_LAMBDA_MAX_CONCURRENCY"] = Environments.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LAMINA_INIT_TIMEOUT_SECONDS"] = "120",
        };
        var scratch = Directory.CreateTempSubdirectory("lamina-largepayload-");
        try
        {
            await using var agent = published ? await StartPublishedAsync(scratch.FullName, env) : await AgentProcess.StartPythonAsync(env);
            await AssertAllAnsweredAsync(agent);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static async Task<AgentProcess> StartPublishedAsync(string scratch, Dictionary<string, string> env)
    {
        var runtime = Path.Combine(scratch, "runtime");
        Assert.True(File.Exists("/usr/bin/gcc"), "gcc is missing: apt-get install gcc (test.sh installs it)");
        Tool.Run("/usr/bin/gcc", "-O2", "-o", runtime, Tools.RepoPath("bench", "agent", "runtime.c"));
        return await AgentProcess.StartAsync([runtime], env, executable: [AgentBinary.Path]);
    }

    private static async Task AssertAllAnsweredAsync(AgentProcess agent)
    {
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
