using System.Globalization;
using Lamina.Images;
using Lamina.Sandbox;

namespace Lamina.Environments;

/// <summary>
/// Turns "pulled image + function configuration" into the sandbox's inputs: the image's snapshots become
/// the overlay's lower directories, its config the process, and lamina-init the first process.
/// </summary>
public static class SandboxRequestFactory
{
    /// <summary>
    /// Builds the request. Layers: the image store lists them lowest first, overlayfs wants the top first.
    /// The process: <c>lamina-init --control-socket /run/lamina/control.sock -- ENTRYPOINT CMD</c> (after
    /// ImageConfig overrides, applied by the sandbox); the function timeout reaches the agent as
    /// AWS_LAMBDA_FUNCTION_TIMEOUT.
    /// </summary>
    public static SandboxRequest Build(string id, PulledImage image, FunctionConfig function, EnvironmentOptions options)
    {
        var layers = image.Layers.Select(l => l.Path).Reverse().ToArray();
        var config = image.Config;
        var handler = function.Handler.Length > 0 ? function.Handler
            : (function.ImageConfig?.Command ?? config.Cmd) is [var first, ..] ? first : "";
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in function.Variables ?? new Dictionary<string, string>()) variables[k] = v;
        // Not a name the sandbox reserves, so set after the function's own: the limit is the platform's.
        variables["AWS_LAMBDA_FUNCTION_TIMEOUT"] = function.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        function.Logging?.AddVariables(variables);

        return new SandboxRequest(
            id,
            layers,
            new ImageProcessConfig(config.Entrypoint, config.Cmd, config.WorkingDir, config.Env),
            function.ImageConfig,
            new LambdaEnvironment(function.FunctionName, function.Version, function.Region, handler)
            {
                InitializationType = function.InitializationType,
                LogGroupName = function.Logging?.LogGroup,
            },
            variables,
            function.MemoryMb,
            function.EphemeralStorageMb)
        {
            Network = function.Network,
            // lamina-init installs the precompiled seccomp filter when the manager hands it one (--seccomp).
            Agent = new AgentMount(options.AgentBinary, options.AgentContainerPath) { LoadsSeccomp = true },
            InitPrefix = [options.AgentContainerPath, "--control-socket", EnvironmentOptions.ControlSocketInSandbox, "--"],
            // lamina-init is a .NET program: the image's and the function's DOTNET_* are the runtime's, not the agent's.
            HideRuntimeSettings = true,
        };
    }
}
