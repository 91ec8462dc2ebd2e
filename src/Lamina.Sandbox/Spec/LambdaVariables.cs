namespace Lamina.Sandbox.Spec;

/// <summary>Builds the process environment the way Lambda layers it.</summary>
/// <remarks>
/// Order of precedence, lowest first: the image's ENV, Lambda's defaults for PATH/LANG/
/// LD_LIBRARY_PATH (only when the image did not set them), the function's variables, then the
/// reserved variables, which neither the image nor the function can override.
/// </remarks>
public static class LambdaVariables
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private const string DefaultLdLibraryPath =
        "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib";

    /// <summary>The environment as KEY=value strings, ordered by key for a stable config.json.</summary>
    public static IReadOnlyList<string> Build(SandboxRequest request)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in request.Image.Env ?? [])
        {
            var eq = entry.IndexOf('=');
            if (eq > 0) env[entry[..eq]] = entry[(eq + 1)..];
        }
        env.TryAdd("PATH", DefaultPath);
        env.TryAdd("LANG", "en_US.UTF-8");
        env.TryAdd("LD_LIBRARY_PATH", DefaultLdLibraryPath);
        foreach (var (key, value) in request.Environment ?? new Dictionary<string, string>())
            env[key] = value;

        var l = request.Lambda;
        env["TZ"] = ":UTC";
        env["LAMBDA_TASK_ROOT"] = "/var/task";
        env["LAMBDA_RUNTIME_DIR"] = "/var/runtime";
        env["AWS_REGION"] = l.Region;
        env["AWS_DEFAULT_REGION"] = l.Region;
        env["AWS_EXECUTION_ENV"] = "AWS_Lambda_Image";
        env["AWS_LAMBDA_FUNCTION_NAME"] = l.FunctionName;
        env["AWS_LAMBDA_FUNCTION_VERSION"] = l.FunctionVersion;
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = request.MemoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = l.InitializationType;
        env["AWS_LAMBDA_LOG_GROUP_NAME"] = l.LogGroupName ?? "/aws/lambda/" + l.FunctionName;
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = l.LogStreamName ?? request.Id;
        env["AWS_LAMBDA_RUNTIME_API"] = l.RuntimeApi;
        env["_HANDLER"] = l.Handler;
        if (l.Credentials is { } c)
        {
            env["AWS_ACCESS_KEY_ID"] = c.AccessKeyId;
            env["AWS_SECRET_ACCESS_KEY"] = c.SecretAccessKey;
            if (c.SessionToken is { } token) env["AWS_SESSION_TOKEN"] = token;
        }
        return env.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value).ToList();
    }
}
