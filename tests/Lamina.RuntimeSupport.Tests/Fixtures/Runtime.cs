using Lamina.Agent.Tests;
using Lamina.Environments.Tests.Fixtures;

namespace Lamina.RuntimeSupport.Tests.Fixtures;

/// <summary>
/// Starts the real NativeAOT lamina-init in emulator mode (free ports) with one of the samples as its
/// runtime process: "managed" is the class-library sample under the managed host
/// (<c>dotnet Lamina.RuntimeSupport.Bootstrap.dll</c>), "aot" the NativeAOT <c>bootstrap</c>.
/// </summary>
internal static class Runtime
{
    public const string HelloHandler = "CSharpHello::CSharpHello.Function::Handler";

    /// <summary>Starts the emulator; <paramref name="handler"/> defaults to the sample's hello handler.</summary>
    public static Task<AgentProcess> StartAsync(string kind, string? handler = null, IDictionary<string, string>? env = null)
    {
        // AgentProcess runs $LAMINA_INIT_BINARY when set; point it at the cached NativeAOT build.
        Environment.SetEnvironmentVariable("LAMINA_INIT_BINARY", AgentBinary.Path);
        var environment = new Dictionary<string, string>
        {
            ["AWS_LAMBDA_FUNCTION_NAME"] = "greeter",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "256",
            ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "60",
            ["LAMBDA_TASK_ROOT"] = AppContext.BaseDirectory,
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) environment[k] = v;
        IEnumerable<string> command = kind switch
        {
            "managed" => [Dotnet(), Path.Combine(AppContext.BaseDirectory, "Lamina.RuntimeSupport.Bootstrap.dll"), handler ?? HelloHandler],
            "aot" => [AotSample.Path, handler ?? "hello"],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "managed or aot"),
        };
        return AgentProcess.StartAsync(command, environment);
    }

    private static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "/usr/bin/dotnet";
}
