using Lamina.Sandbox;
using ControlConfig = Lamina.Control.Domain.FunctionConfig;
using EnvironmentFunctionConfig = Lamina.Environments.FunctionConfig;

namespace Lamina.Scheduler;

/// <summary>A function version's configuration (control plane) → the settings an environment is started with.</summary>
internal static class EnvironmentConfig
{
    public static EnvironmentFunctionConfig From(ControlConfig config, string region) =>
        new(config.FunctionName, config.Version, config.MemorySize, config.Timeout)
        {
            EphemeralStorageMb = config.EphemeralStorage,
            Variables = config.Environment,
            ImageConfig = config.ImageConfig is { } ic ? new ImageConfigOverrides(ic.EntryPoint, ic.Command, ic.WorkingDirectory) : null,
            Region = region,
        };
}
