namespace Lamina.Sandbox;

/// <summary>
/// Values for the environment variables Lambda reserves (AWS "Defined runtime environment variables").
/// </summary>
public sealed record LambdaEnvironment(
    string FunctionName,
    string FunctionVersion,
    string Region,
    string Handler,
    string RuntimeApi = "127.0.0.1:9001")
{
    /// <summary>AWS_LAMBDA_INITIALIZATION_TYPE: on-demand, provisioned-concurrency or snap-start.</summary>
    public string InitializationType { get; init; } = "on-demand";

    /// <summary>AWS_LAMBDA_LOG_GROUP_NAME; defaults to /aws/lambda/&lt;function&gt;.</summary>
    public string? LogGroupName { get; init; }

    /// <summary>AWS_LAMBDA_LOG_STREAM_NAME, unique per environment.</summary>
    public string? LogStreamName { get; init; }

    /// <summary>Credentials of the execution role, when the function has one.</summary>
    public (string AccessKeyId, string SecretAccessKey, string? SessionToken)? Credentials { get; init; }
}
