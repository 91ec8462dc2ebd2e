using System.Text;
using System.Text.RegularExpressions;
using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>
/// Reads and validates the configuration members shared by CreateFunction and UpdateFunctionConfiguration,
/// applying them onto a configuration. Model constraints answer ValidationException; Lambda's own service
/// limits (memory above 10240 MB, timeout above 900 s, reserved variables) answer InvalidParameterValueException.
/// </summary>
public static partial class FunctionSettings
{
    private static readonly HashSet<string> ReservedVariables = new(StringComparer.Ordinal)
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    };

    [GeneratedRegex(@"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$")]
    private static partial Regex RoleRegex();

    [GeneratedRegex(@"^[a-zA-Z]([a-zA-Z0-9_])+$")]
    private static partial Regex VariableRegex();

    /// <summary>Applies the members present in <paramref name="input"/> onto <paramref name="config"/>.</summary>
    public static Result<FunctionConfig> Apply(JsonInput input, FunctionConfig config)
    {
        var role = input.String("Role");
        var description = input.String("Description");
        var memory = input.Int("MemorySize");
        var timeout = input.Int("Timeout");
        var storage = input.Object("EphemeralStorage")?.Int("Size");
        var env = input.Object("Environment")?.StringMap("Variables");
        var image = input.Object("ImageConfig");
        var entry = image?.StringList("EntryPoint");
        var command = image?.StringList("Command");
        var workdir = image?.String("WorkingDirectory");
        var architectures = input.StringList("Architectures");
        var logging = input.Object("LoggingConfig");
        if (input.Error is { } typeError) return typeError;

        if (role is not null && !RoleRegex().IsMatch(role))
            return LambdaError.Validation(role, "role", @"Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+");
        if (description is { Length: > 256 })
            return LambdaError.Validation(description, "description", "Member must have length less than or equal to 256");
        if (memory is < 128) return LambdaError.Validation($"{memory}", "memorySize", "Member must have value greater than or equal to 128");
        if (memory is > 10240)
            return LambdaError.InvalidParameter($"'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to 10240");
        if (timeout is < 1) return LambdaError.Validation($"{timeout}", "timeout", "Member must have value greater than or equal to 1");
        if (timeout is > 900) return LambdaError.InvalidParameter("Timeout value must be less than or equal to 900.");
        if (storage is < 512 or > 10240)
        {
            return LambdaError.Validation($"{storage}", "ephemeralStorage.size", storage < 512
                ? "Member must have value greater than or equal to 512"
                : "Member must have value less than or equal to 10240");
        }
        if (architectures is not null)
        {
            if (architectures.Count != 1)
                return LambdaError.Validation($"[{string.Join(", ", architectures)}]", "architectures", "Member must have length less than or equal to 1");
            if (architectures[0] != "x86_64")
            {
                return architectures[0] == "arm64"
                    ? LambdaError.InvalidParameter("Lamina runs x86_64 functions only; arm64 is not supported.")
                    : LambdaError.Validation(architectures[0], "architectures.1.member", "Member must satisfy enum value set: [x86_64, arm64]");
            }
        }
        if (env is not null && ValidateEnvironment(env) is { } envError) return envError;
        var loggingApplied = ApplyLogging(logging, config.Logging);
        if (loggingApplied.Error is { } loggingError) return loggingError;

        return config with
        {
            Role = role ?? config.Role,
            Description = description ?? config.Description,
            MemorySize = memory ?? config.MemorySize,
            Timeout = timeout ?? config.Timeout,
            EphemeralStorage = storage ?? config.EphemeralStorage,
            Environment = env ?? config.Environment,
            ImageConfig = image is null ? config.ImageConfig : new ImageConfigSpec(entry, command, workdir),
            Architectures = architectures ?? config.Architectures,
            Logging = loggingApplied.Value,
        };
    }

    private static LambdaError? ValidateEnvironment(Dictionary<string, string> env)
    {
        var badName = env.Keys.FirstOrDefault(k => !VariableRegex().IsMatch(k));
        if (badName is not null)
            return LambdaError.Validation(badName, "environment.variables", "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+");
        var reserved = env.Keys.Where(ReservedVariables.Contains).ToList();
        if (reserved.Count > 0)
        {
            return LambdaError.InvalidParameter("Lambda was unable to configure your environment variables because the environment variables you have "
                + $"provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: {string.Join(", ", reserved)}");
        }
        var size = env.Sum(p => Encoding.UTF8.GetByteCount(p.Key) + Encoding.UTF8.GetByteCount(p.Value));
        if (size > 4096)
        {
            return LambdaError.InvalidParameter("Lambda was unable to configure your environment variables because the environment variables you have "
                + "provided exceeded the 4KB limit.");
        }
        return null;
    }
}
