using Lamina.Agent.Tests;
using Lamina.Environments.Tests.Fixtures;

namespace Lamina.RuntimeSupport.Tests.Fixtures;

/// <summary>
/// Starts the real NativeAOT lamina-init in emulator mode (free ports) with one of the samples as its
/// runtime process: "managed" is <c>dotnet CSharpHello.dll</c> with _HANDLER (what the dotnet:10 image
/// runs), "aot" the NativeAOT <c>bootstrap</c> with the handler as its argument.
/// </summary>
internal static class Runtime
{
    public const string HelloHandler = "CSharpHello::CSharpHello.Function::Handler";

    /// <summary>The managed sample's executable assembly, beside the tests.</summary>
    public static string ManagedSample => Path.Combine(AppContext.BaseDirectory, "CSharpHello.dll");

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
            ["_HANDLER"] = handler ?? (kind == "aot" ? "hello" : HelloHandler),
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) environment[k] = v;
        IEnumerable<string> command = kind switch
        {
            "managed" => [Dotnet(), ManagedSample],
            "aot" => [AotSample.Path, handler ?? "hello"],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "managed or aot"),
        };
        return AgentProcess.StartAsync(command, environment);
    }

    private static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "/usr/bin/dotnet";
}
