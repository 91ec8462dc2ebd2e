using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Lamina.Environments.Tests.Fixtures;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>
/// The thread pool's spin limit that keeps idle agents from burning CPU in sched_yield (Lamina.Agent.csproj): a managed
/// runtime knob, which NativeAOT embeds as UTF-8 name and value (the library's own use of the name is a UTF-16 literal).
/// Its effect (sched_yield per invoke) is measured in bench/invoke/README.md, not asserted here.
/// </summary>
public sealed partial class ThreadPoolSettingsTests
{
    private const string Knob = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    [Fact]
    public void The_spin_limit_is_small_and_reaches_the_published_agent()
    {
        var project = File.ReadAllText(Tools.RepoPath("src", "Lamina.Agent", "Lamina.Agent.csproj"));
        var match = SpinLimit().Match(project);
        Assert.True(match.Success, $"Lamina.Agent.csproj sets no {Knob}: idle workers spin 70 times (the default) per wake-up");
        Assert.InRange(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), 0, 10);

        var binary = File.ReadAllBytes(AgentBinary.Path);
        Assert.True(binary.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Knob + "\0")) >= 0, $"{AgentBinary.Path} does not embed {Knob}");
    }

    [GeneratedRegex("""<RuntimeHostConfigurationOption Include="System\.Threading\.ThreadPool\.UnfairSemaphoreSpinLimit" Value="([0-9]+)" />""")]
    private static partial Regex SpinLimit();
}
