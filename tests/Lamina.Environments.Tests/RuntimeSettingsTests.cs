using System.Text;
using System.Text.Json;
using Lamina.Environments.Tests.Fixtures;

namespace Lamina.Environments.Tests;

/// <summary>
/// A function's .NET runtime settings configure the function's runtime, never lamina-init (itself a .NET program,
/// whose runtime reads DOTNET_* before Main): read from the host, the agent's initial environment lacks them under
/// their names and the runtime's (the agent's child) has them.
/// </summary>
public sealed class RuntimeSettingsTests(PulledImageFixture image) : IClassFixture<PulledImageFixture>
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["DOTNET_gcServer"] = "1",
        // 512 KiB (plain hex, as the runtime reads it): under its own name the agent would not even start.
        ["DOTNET_GCHeapHardLimit"] = "80000",
        ["COMPlus_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
        ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "0",
        ["PLAIN_VAR"] = "p",
    };

    [Fact]
    public async Task The_functions_dotnet_variables_reach_the_runtime_and_not_the_agent()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var env = await h.StartAsync(image, new FunctionConfig("settings-fn", MemoryMb: 256, TimeoutSeconds: 30) { Variables = Settings });
        var (result, error) = await env.InvokeAsync(Encoding.UTF8.GetBytes("\"hello\""));
        Assert.Null(error);
        Assert.Equal("hello", JsonDocument.Parse(result!.Payload).RootElement.GetProperty("echo").GetString());

        var agent = Environ(env.Sandbox.Pid);
        var runtime = Environ(Assert.Single(ChildrenOf(env.Sandbox.Pid)));
        foreach (var (name, value) in Settings)
        {
            Assert.Contains($"{name}={value}", runtime);
            if (name != "PLAIN_VAR")
            {
                Assert.DoesNotContain(agent, v => v.StartsWith(name + "=", StringComparison.Ordinal));
            }
        }
        Assert.Contains("PLAIN_VAR=p", agent);
        Assert.DoesNotContain(runtime, v => v.StartsWith("_LAMINA_FN_", StringComparison.Ordinal));
    }

    /// <summary>A process's environment as it was started (read as root from outside: the agent is non-dumpable).</summary>
    private static string[] Environ(int pid) =>
        Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var candidate))
            {
                continue;
            }
            try
            {
                // "pid (comm) state ppid ...": comm may hold spaces, so the fields count from the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == pid)
                {
                    children.Add(candidate);
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        return children;
    }
}
