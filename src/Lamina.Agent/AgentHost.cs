using System.Net;
using Lamina.Agent.Emulator;
using Lamina.Agent.Http;
using Lamina.Agent.Runtime;

namespace Lamina.Agent;

/// <summary>
/// Emulator mode wired together: the Runtime API server (for the runtime process), the Invoke
/// API server (for users), and the environment between them. Disposing kills the runtime.
/// </summary>
internal sealed class AgentHost : IAsyncDisposable
{
    public const string Usage =
        "usage: lamina-init [--runtime-api-address HOST:PORT] [--runtime-interface-emulator-address HOST:PORT] [--log-level LEVEL] [--] [command [args...]]";

    private readonly HttpServer _runtimeApi;
    private readonly HttpServer _invokeApi;
    private readonly FunctionEnvironment _environment;

    private AgentHost(HttpServer runtimeApi, HttpServer invokeApi, FunctionEnvironment environment)
    {
        _runtimeApi = runtimeApi;
        _invokeApi = invokeApi;
        _environment = environment;
    }

    /// <summary>host:port the runtime is given in AWS_LAMBDA_RUNTIME_API.</summary>
    public string RuntimeApiAddress => Format(_runtimeApi.LocalEndPoint);

    public string InvokeApiAddress => Format(_invokeApi.LocalEndPoint);

    /// <summary>Binds both servers (port 0 picks a free port).</summary>
    /// <exception cref="System.Net.Sockets.SocketException">An address cannot be bound.</exception>
    public static AgentHost Start(EmulatorOptions options, Stream stdout)
    {
        FunctionEnvironment? environment = null;
        var runtimeApi = HttpServer.Start(options.RuntimeApiEndpoint, new RuntimeApiHandler(() => environment!.Channel), new HttpLimits(RuntimeApiHandler.MaxResponseBytes));
        var runtimeAddress = Format(runtimeApi.LocalEndPoint);
        environment = new FunctionEnvironment(options, new PlatformLog(stdout), () => runtimeAddress);
        HttpServer invokeApi;
        try
        {
            invokeApi = HttpServer.Start(options.EmulatorEndpoint, new InvokeApiHandler(options, environment), new HttpLimits(InvokeApiHandler.MaxPayloadBytes));
        }
        catch
        {
            runtimeApi.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        return new AgentHost(runtimeApi, invokeApi, environment);
    }

    private static string Format(IPEndPoint endpoint) => endpoint.ToString();

    public async ValueTask DisposeAsync()
    {
        await _invokeApi.DisposeAsync();
        await _environment.DisposeAsync();
        await _runtimeApi.DisposeAsync();
    }
}
