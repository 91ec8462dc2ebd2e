using Lamina.Environments;
using Lamina.Sandbox;
using ControlConfig = Lamina.Control.Domain.FunctionConfig;
using EnvironmentFunctionConfig = Lamina.Environments.FunctionConfig;

namespace Lamina.Scheduler;

/// <summary>A function version's configuration (control plane) → the settings an environment is started with.</summary>
internal static class EnvironmentConfig
{
    /// <param name="config">The version's configuration.</param>
    /// <param name="region">AWS_REGION.</param>
    /// <param name="provisioned">AWS_LAMBDA_INITIALIZATION_TYPE provisioned-concurrency instead of on-demand.</param>
    public static EnvironmentFunctionConfig From(ControlConfig config, string region, bool provisioned = false) =>
        new(config.FunctionName, config.Version, config.MemorySize, config.Timeout)
        {
            EphemeralStorageMb = config.EphemeralStorage,
            Variables = config.Environment,
            ImageConfig = config.ImageConfig is { } ic ? new ImageConfigOverrides(ic.EntryPoint, ic.Command, ic.WorkingDirectory) : null,
            Region = region,
            InitializationType = provisioned ? "provisioned-concurrency" : "on-demand",
            Logging = config.Logging is { } l ? new LoggingSettings(l.LogFormat, l.ApplicationLogLevel, l.SystemLogLevel, l.GroupFor(config.FunctionName)) : null,
        };
}
