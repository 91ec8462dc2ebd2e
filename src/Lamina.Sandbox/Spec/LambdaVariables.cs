namespace Lamina.Sandbox.Spec;

/// <summary>Builds the process environment the way Lambda layers it.</summary>
/// <remarks>
/// Order of precedence, lowest first: the image's ENV, Lambda's defaults for PATH/LANG/
/// LD_LIBRARY_PATH (only when the image did not set them), the function's variables, then the
/// reserved variables, which neither the image nor the function can override. When the first process is lamina-init
/// (<see cref="SandboxRequest.HideRuntimeSettings"/>), the .NET runtime's settings among them are renamed last
/// (<see cref="HiddenPrefix"/>).
/// </remarks>
public static class LambdaVariables
{
    /// <summary>
    /// The prefix under which lamina-init receives the variables a .NET runtime reads as its own configuration
    /// (<see cref="IsRuntimeSetting"/>): lamina-init is a .NET program, and the runtime reads them before Main, so
    /// a function's <c>DOTNET_gcServer=1</c> under its own name would configure the agent. lamina-init gives them
    /// back their names in the environment of the runtime and of every extension. Begins with '_': a function's
    /// variable cannot (CreateFunction's name pattern), so no name of the function's can collide with one.
    /// </summary>
    public const string HiddenPrefix = "_LAMINA_FN_";

    /// <summary>
    /// True for a name a .NET runtime reads as configuration: <c>DOTNET_</c> (NativeAOT's native runtime and GC,
    /// and the managed libraries), <c>COMPlus_</c> (the managed libraries' older spelling, e.g. the thread pool's
    /// <c>COMPlus_ThreadPool_*</c>) and <c>CORECLR_</c> (CoreCLR's profiler; NativeAOT ignores it). The runtime
    /// matches them case-sensitively on Linux; here any case counts, which costs nothing.
    /// </summary>
    public static bool IsRuntimeSetting(string name) =>
        name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("COMPlus_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("CORECLR_", StringComparison.OrdinalIgnoreCase);

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
        if (request.HideRuntimeSettings)
        {
            // The image's and the function's DOTNET_* alike; the real name wins over an image's own hidden spelling.
            foreach (var name in env.Keys.Where(IsRuntimeSetting).ToList())
            {
                env[HiddenPrefix + name] = env[name];
                env.Remove(name);
            }
        }
        return env.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value).ToList();
    }
}
