using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// With lamina-init as the first process, the .NET runtime's settings of the image and the function reach the
/// sandbox renamed (LambdaVariables.HiddenPrefix), so they cannot configure the agent's own runtime; without it
/// (a sandbox whose first process is the function) they keep their names.
/// </summary>
public sealed class HiddenRuntimeSettingsTests
{
    private static SandboxRequest Request(bool hide) => new(
        "fn-1", ["/layers/top"],
        new ImageProcessConfig(["/entry"], null, null,
            ["DOTNET_ROOT=/usr/lib/dotnet", "DOTNET_gcServer=0", "_LAMINA_FN_DOTNET_TieredPGO=0", "IMAGE_VAR=1"]),
        null, new LambdaEnvironment("fn", "$LATEST", "eu-west-1", "h"),
        new Dictionary<string, string>
        {
            ["DOTNET_gcServer"] = "1", ["DOTNET_TieredPGO"] = "1", ["COMPlus_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
            ["CORECLR_ENABLE_PROFILING"] = "1", ["dotnet_lower"] = "x", ["DOTNETX"] = "kept", ["MY_DOTNET_VAR"] = "kept",
        })
    {
        HideRuntimeSettings = hide,
    };

    [Fact]
    public void The_runtime_settings_of_image_and_function_are_renamed_and_nothing_else()
    {
        var env = LambdaVariables.Build(Request(hide: true));

        Assert.Contains("_LAMINA_FN_DOTNET_ROOT=/usr/lib/dotnet", env);
        Assert.Contains("_LAMINA_FN_DOTNET_gcServer=1", env);
        // The real name, the function's, wins over an image's own hidden spelling of it.
        Assert.Contains("_LAMINA_FN_DOTNET_TieredPGO=1", env);
        Assert.Contains("_LAMINA_FN_COMPlus_ThreadPool_UnfairSemaphoreSpinLimit=0", env);
        Assert.Contains("_LAMINA_FN_CORECLR_ENABLE_PROFILING=1", env);
        Assert.Contains("_LAMINA_FN_dotnet_lower=x", env);
        Assert.DoesNotContain(env, e => LambdaVariables.IsRuntimeSetting(e[..e.IndexOf('=')]));
        Assert.Contains("DOTNETX=kept", env);
        Assert.Contains("MY_DOTNET_VAR=kept", env);
        Assert.Contains("IMAGE_VAR=1", env);
        Assert.Contains("AWS_LAMBDA_FUNCTION_NAME=fn", env);
        Assert.Equal(env.Count, env.Select(e => e.Split('=')[0]).Distinct().Count());
    }

    [Fact]
    public void Without_the_agent_first_the_names_stay()
    {
        var env = LambdaVariables.Build(Request(hide: false));

        Assert.Contains("DOTNET_gcServer=1", env);
        Assert.Contains("COMPlus_ThreadPool_UnfairSemaphoreSpinLimit=0", env);
        Assert.Contains("_LAMINA_FN_DOTNET_TieredPGO=0", env);
        Assert.DoesNotContain(env, e => e.StartsWith("_LAMINA_FN_DOTNET_gcServer", StringComparison.Ordinal));
    }
}
