using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Lamina.Environments.Tests.Fixtures;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>
/// The agent's embedded runtime settings. The GC settings that keep the agent's heap small (Lamina.Agent.csproj's
/// <c>--runtimeopt:</c> IlcArgs): NativeAOT embeds each name and value in the binary, and the GC parses the value as
/// plain hex when it starts. A value with a "0x" prefix fails that parse and is silently ignored (the mistake behind
/// sessions 5 and 7's "NativeAOT ignores DOTNET_GC*"); so is a setting that never reached the binary.
/// </summary>
public sealed partial class GcSettingsTests
{
    [Fact]
    public void Every_embedded_runtime_option_is_plain_hex()
    {
        var options = RuntimeOptions();

        Assert.NotEmpty(options);
        foreach (var (name, value) in options)
        {
            Assert.True(ulong.TryParse(value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _),
                $"--runtimeopt:{name}={value} is not plain hex: the runtime would ignore it");
        }
    }

    [Theory]
    [InlineData("GCGen0MaxBudget")]
    [InlineData("GCGen1MaxBudget")]
    public void The_young_generation_budgets_are_capped_in_the_published_agent(string name)
    {
        var value = RuntimeOptions().SingleOrDefault(o => o.Name == name).Value;
        Assert.True(value is not null, $"Lamina.Agent.csproj sets no {name}: the GC would use its default (up to 6 MiB per budget)");
        Assert.InRange(ulong.Parse(value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture), 64UL * 1024, 1024UL * 1024);

        var binary = File.ReadAllBytes(AgentBinary.Path);
        Assert.True(binary.AsSpan().IndexOf(Encoding.ASCII.GetBytes("\0" + name + "\0")) >= 0, $"{AgentBinary.Path} does not embed {name}");
        Assert.True(binary.AsSpan().IndexOf(Encoding.ASCII.GetBytes("\0" + value + "\0")) >= 0, $"{AgentBinary.Path} does not embed the value {value}");
    }

    /// <summary>The thread pool's spin limit that keeps idle agents out of sched_yield is a managed runtime knob, which
    /// NativeAOT embeds as UTF-8 (the library's own use of the name is a UTF-16 literal). Its effect, sched_yield per
    /// invoke, is measured in bench/invoke/README.md (session 9), not asserted here.</summary>
    [Fact]
    public void The_thread_pool_spin_limit_is_small_and_reaches_the_published_agent()
    {
        const string Knob = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";
        var match = SpinLimit().Match(File.ReadAllText(Tools.RepoPath("src", "Lamina.Agent", "Lamina.Agent.csproj")));
        Assert.True(match.Success, $"Lamina.Agent.csproj sets no {Knob}: idle workers spin 70 times (the default) per wake-up");
        Assert.InRange(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), 0, 10);

        var binary = File.ReadAllBytes(AgentBinary.Path);
        Assert.True(binary.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Knob + "\0")) >= 0, $"{AgentBinary.Path} does not embed {Knob}");
    }

    private static List<(string Name, string Value)> RuntimeOptions()
    {
        var project = File.ReadAllText(Tools.RepoPath("src", "Lamina.Agent", "Lamina.Agent.csproj"));
        return [.. RuntimeOption().Matches(project).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];
    }

    [GeneratedRegex("""--runtimeopt:([A-Za-z0-9]+)=([^"]*)""")]
    private static partial Regex RuntimeOption();

    [GeneratedRegex("""<RuntimeHostConfigurationOption Include="System\.Threading\.ThreadPool\.UnfairSemaphoreSpinLimit" Value="([0-9]+)" />""")]
    private static partial Regex SpinLimit();
}
