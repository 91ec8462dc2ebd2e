using System.Globalization;
using System.Net;

namespace Lamina.Agent.Emulator;

/// <summary>
/// Settings of emulator mode, read once at start from the command line (the aws-lambda-rie
/// flags) and the environment (the AWS_LAMBDA_* variables the RIE honours).
/// <c>lamina-init [--runtime-api-address A] [--runtime-interface-emulator-address A] [--control-socket PATH] [--log-level L] [--] [command [args…]]</c>
/// </summary>
internal sealed record EmulatorOptions
{
    /// <summary>Where bootstrap is looked for when no command is given, in order.</summary>
    public static readonly string[] BootstrapPaths = ["/var/task/bootstrap", "/opt/bootstrap", "/var/runtime/bootstrap"];

    public IPEndPoint RuntimeApiEndpoint { get; init; } = new(IPAddress.Loopback, 9001);

    public IPEndPoint EmulatorEndpoint { get; init; } = new(IPAddress.Any, 8080);

    public string LogLevel { get; init; } = "info";

    /// <summary>When set (--control-socket or LAMINA_CONTROL_SOCKET), the host drives the agent over this
    /// Unix socket (docs/agent-protocol.md) and no TCP invoke port is opened.</summary>
    public string? ControlSocket { get; init; }

    /// <summary>True when only a peer outside the agent's pid namespace (the host) may use the control socket
    /// (<see cref="Control.HostPeerGate.Required"/>: the agent is pid 1, or LAMINA_CONTROL_HOST_ONLY=1).</summary>
    public bool ControlHostOnly { get; init; }

    /// <summary>The runtime command and its arguments; empty when none was given and no bootstrap exists.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    public string FunctionName { get; init; } = "function";

    public string FunctionVersion { get; init; } = "$LATEST";

    public int MemorySizeMb { get; init; } = 3008;

    public int TimeoutSeconds { get; init; } = 300;

    /// <summary>How many runtime processes may serve invokes at once (AWS_LAMBDA_MAX_CONCURRENCY, 1–64).
    /// Environment i listens for its runtime on the Runtime API port + i (or a free port when 0).</summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>The init phase limit (10 s on Lambda); LAMINA_INIT_TIMEOUT_SECONDS shortens it for tests.</summary>
    public double InitTimeoutSeconds { get; init; } = 10;

    public string? Handler { get; init; }

    /// <summary>Where external extensions are found (LAMINA_EXTENSIONS_DIR, default /opt/extensions).</summary>
    public string ExtensionsDirectory { get; init; } = "/opt/extensions";

    public string Region { get; init; } = "us-east-1";

    /// <summary>True when Max Memory Used comes from the agent's own cgroup (LAMINA_MAX_MEMORY_SOURCE=cgroup,
    /// for a host that runs the agent in a dedicated sandbox cgroup); false: the runtime's process tree ("proc").</summary>
    public bool MemoryFromCgroup { get; init; }

    /// <summary>True when AWS_LAMBDA_LOG_FORMAT is JSON (LoggingConfig LogFormat): platform events are written as JSON records.</summary>
    public bool JsonLogFormat { get; init; }

    /// <summary>Which platform records the JSON log gets (LAMINA_SYSTEM_LOG_LEVEL: DEBUG, INFO or WARN; default INFO).</summary>
    public int SystemLogLevel { get; init; } = PlatformLog.Info;

    public string LogGroupName { get; init; } = "/aws/lambda/function";

    public string LogStreamName { get; init; } = "$LATEST";

    public string FunctionArn => $"arn:aws:lambda:{Region}:012345678912:function:{FunctionName}";

    /// <summary>Parses arguments and environment; a message for the user when they are invalid.</summary>
    public static EmulatorOptions Parse(IReadOnlyList<string> args, Func<string, string?> env, Func<string, bool> fileExists, out string? error)
    {
        error = null;
        var options = new EmulatorOptions();
        var i = 0;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                i++;
                break;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg : arg[..eq];
            string? value = eq < 0 ? (i + 1 < args.Count ? args[++i] : null) : arg[(eq + 1)..];
            if (value is null)
            {
                error = $"flag {name} needs a value";
                return options;
            }
            switch (name)
            {
                case "--runtime-api-address":
                    options = options with { RuntimeApiEndpoint = ParseEndpoint(value, IPAddress.Loopback, ref error) };
                    break;
                case "--runtime-interface-emulator-address":
                    options = options with { EmulatorEndpoint = ParseEndpoint(value, IPAddress.Any, ref error) };
                    break;
                case "--control-socket":
                    options = options with { ControlSocket = value };
                    break;
                case "--log-level":
                    if (AgentLog.Parse(value) is null)
                    {
                        error = $"invalid --log-level '{value}': expected trace, debug, info, warn, error, fatal or panic";
                    }
                    options = options with { LogLevel = value };
                    break;
                default:
                    error = $"unknown flag {name}";
                    return options;
            }
            if (error is not null)
            {
                return options;
            }
        }
        var command = args.Skip(i).ToList();
        if (command.Count == 0 && BootstrapPaths.FirstOrDefault(fileExists) is { } bootstrap)
        {
            command.Add(bootstrap);
        }
        var functionName = NonEmpty(env("AWS_LAMBDA_FUNCTION_NAME")) ?? "function";
        return options with
        {
            Command = command,
            ControlSocket = options.ControlSocket ?? NonEmpty(env("LAMINA_CONTROL_SOCKET")),
            ControlHostOnly = Control.HostPeerGate.Required(env),
            FunctionName = functionName,
            FunctionVersion = NonEmpty(env("AWS_LAMBDA_FUNCTION_VERSION")) ?? "$LATEST",
            MemorySizeMb = PositiveInt(env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), 3008, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", ref error),
            TimeoutSeconds = PositiveInt(env("AWS_LAMBDA_FUNCTION_TIMEOUT"), 300, "AWS_LAMBDA_FUNCTION_TIMEOUT", ref error),
            MaxConcurrency = Math.Min(64, PositiveInt(env("AWS_LAMBDA_MAX_CONCURRENCY"), 1, "AWS_LAMBDA_MAX_CONCURRENCY", ref error)),
            InitTimeoutSeconds = PositiveInt(env("LAMINA_INIT_TIMEOUT_SECONDS"), 10, "LAMINA_INIT_TIMEOUT_SECONDS", ref error),
            ExtensionsDirectory = NonEmpty(env("LAMINA_EXTENSIONS_DIR")) ?? "/opt/extensions",
            Handler = NonEmpty(env("AWS_LAMBDA_FUNCTION_HANDLER")) ?? NonEmpty(env("_HANDLER")),
            Region = NonEmpty(env("AWS_REGION")) ?? NonEmpty(env("AWS_DEFAULT_REGION")) ?? "us-east-1",
            LogStreamName = NonEmpty(env("AWS_LAMBDA_LOG_STREAM_NAME")) ?? "$LATEST",
            MemoryFromCgroup = MemorySource(env("LAMINA_MAX_MEMORY_SOURCE"), ref error),
            LogGroupName = NonEmpty(env("AWS_LAMBDA_LOG_GROUP_NAME")) ?? "/aws/lambda/" + functionName,
            JsonLogFormat = LogFormat(env("AWS_LAMBDA_LOG_FORMAT"), ref error),
            SystemLogLevel = NonEmpty(env("LAMINA_SYSTEM_LOG_LEVEL")) is { } system
                ? PlatformLog.ParseLevel(system) ?? Invalid(ref error, $"LAMINA_SYSTEM_LOG_LEVEL must be DEBUG, INFO or WARN, got '{system}'")
                : PlatformLog.Info,
            // LOG_LEVEL may be the function's own variable with its own vocabulary: an unknown value is ignored, not an error.
            LogLevel = NonEmpty(env("LOG_LEVEL")) is { } level && AgentLog.Parse(level) is not null && !args.Any(a => a.StartsWith("--log-level", StringComparison.Ordinal)) ? level : options.LogLevel,
        };
    }

    private static bool MemorySource(string? value, ref string? error)
    {
        switch (value)
        {
            case null or "" or "proc":
                return false;
            case "cgroup":
                return true;
            default:
                error ??= $"LAMINA_MAX_MEMORY_SOURCE must be 'cgroup' or 'proc', got '{value}'";
                return false;
        }
    }

    /// <summary>AWS's values are JSON and Text; any case is accepted (the emulator's users type them by hand).</summary>
    private static bool LogFormat(string? value, ref string? error)
    {
        if (string.IsNullOrEmpty(value) || value.Equals("Text", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (value.Equals("JSON", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        error ??= $"AWS_LAMBDA_LOG_FORMAT must be JSON or Text, got '{value}'";
        return false;
    }

    private static int Invalid(ref string? error, string message)
    {
        error ??= message;
        return PlatformLog.Info;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static int PositiveInt(string? value, int fallback, string name, ref string? error)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
        {
            return parsed;
        }
        error ??= $"{name} must be a positive whole number, got '{value}'";
        return fallback;
    }

    /// <summary>Accepts "host:port", ":port" and "localhost:port"; host must be an IP address or localhost.</summary>
    private static IPEndPoint ParseEndpoint(string value, IPAddress defaultHost, ref string? error)
    {
        var colon = value.LastIndexOf(':');
        if (colon >= 0 && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535)
        {
            var host = value[..colon].Trim('[', ']');
            if (host.Length == 0)
            {
                return new IPEndPoint(defaultHost, port);
            }
            if (host == "localhost")
            {
                return new IPEndPoint(IPAddress.Loopback, port);
            }
            if (IPAddress.TryParse(host, out var address))
            {
                return new IPEndPoint(address, port);
            }
        }
        error = $"invalid address '{value}': expected host:port with an IP address or localhost";
        return new IPEndPoint(defaultHost, 0);
    }
}
