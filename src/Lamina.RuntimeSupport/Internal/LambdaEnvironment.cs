using System.Globalization;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>The reserved environment variables the runtime reads once at start.</summary>
internal sealed class LambdaEnvironment
{
    public required string RuntimeApi { get; init; }
    public required string FunctionName { get; init; }
    public required string FunctionVersion { get; init; }
    public required int MemoryLimitInMB { get; init; }
    public required string LogGroupName { get; init; }
    public required string LogStreamName { get; init; }

    /// <summary>Reads the process environment; a missing AWS_LAMBDA_RUNTIME_API is the one fatal omission
    /// (without it there is nobody to report to), so it throws with a message saying how to run the function.</summary>
    public static LambdaEnvironment FromProcess()
    {
        var api = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
        if (string.IsNullOrWhiteSpace(api))
            throw new InvalidOperationException(
                "AWS_LAMBDA_RUNTIME_API is not set: run the function under lamina-init (or in a Lambda environment), e.g. `lamina-init -- ./bootstrap`.");
        return new LambdaEnvironment
        {
            RuntimeApi = api.Trim(),
            FunctionName = Get("AWS_LAMBDA_FUNCTION_NAME"),
            FunctionVersion = Get("AWS_LAMBDA_FUNCTION_VERSION"),
            MemoryLimitInMB = int.TryParse(Get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), NumberStyles.None, CultureInfo.InvariantCulture, out var mb) ? mb : 0,
            LogGroupName = Get("AWS_LAMBDA_LOG_GROUP_NAME"),
            LogStreamName = Get("AWS_LAMBDA_LOG_STREAM_NAME"),
        };
    }

    private static string Get(string name) => Environment.GetEnvironmentVariable(name) ?? "";
}
