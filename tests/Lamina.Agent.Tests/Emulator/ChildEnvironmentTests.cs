using Lamina.Agent.Emulator;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>How a child's environment gets the variables the host hid from the agent back under their own names.</summary>
public sealed class ChildEnvironmentTests
{
    [Fact]
    public void Hidden_variables_get_their_names_back_over_the_agents_own_and_the_rest_stays()
    {
        var env = new Dictionary<string, string?>
        {
            ["_LAMINA_FN_DOTNET_gcServer"] = "1",
            ["DOTNET_gcServer"] = "0",
            ["_LAMINA_FN_"] = "nameless",
            ["_LAMINA_FNX"] = "not hidden",
            ["PATH"] = "/bin",
        };

        ChildEnvironment.Restore(env);

        Assert.Equal(["DOTNET_gcServer=1", "PATH=/bin", "_LAMINA_FNX=not hidden"],
            env.Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal));
    }
}
