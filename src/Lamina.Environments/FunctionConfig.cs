using Lamina.Sandbox;

namespace Lamina.Environments;

/// <summary>The parts of a function's configuration that shape its execution environment.</summary>
/// <param name="FunctionName">Lambda function name (AWS_LAMBDA_FUNCTION_NAME).</param>
/// <param name="Version">Published version or $LATEST.</param>
/// <param name="MemoryMb">MemorySize, 128–10240: memory limit and CPU share.</param>
/// <param name="TimeoutSeconds">Per-invoke limit enforced by the agent (AWS_LAMBDA_FUNCTION_TIMEOUT), and by the host when the agent does not answer (EnvironmentOptions.DeadlineGrace), 1–900.</param>
public sealed record FunctionConfig(
    string FunctionName,
    string Version = "$LATEST",
    int MemoryMb = 128,
    int TimeoutSeconds = 3)
{
    /// <summary>Size of /tmp, 512–10240 MB.</summary>
    public int EphemeralStorageMb { get; init; } = 512;

    /// <summary>The function's environment variables (reserved Lambda names are overwritten).</summary>
    public IReadOnlyDictionary<string, string>? Variables { get; init; }

    /// <summary>Lambda's ImageConfig (EntryPoint, Command, WorkingDirectory overrides).</summary>
    public ImageConfigOverrides? ImageConfig { get; init; }

    /// <summary>_HANDLER; for images usually the first CMD word.</summary>
    public string Handler { get; init; } = "";

    /// <summary>AWS_REGION.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>AWS_LAMBDA_INITIALIZATION_TYPE: on-demand, or provisioned-concurrency for environments kept initialised.</summary>
    public string InitializationType { get; init; } = "on-demand";

    /// <summary>LoggingConfig; null is Text format with the default log group (nothing extra reaches the agent).</summary>
    public LoggingSettings? Logging { get; init; }

    /// <summary>Network mode of the sandbox (none by default).</summary>
    public NetworkMode Network { get; init; } = NetworkMode.None;
}
