using System.Net;
using System.Net.Sockets;
using Lamina.Agent.Control;
using Lamina.Agent.Emulator;
using Lamina.Agent.Extensions;
using Lamina.Agent.Http;
using Lamina.Agent.Runtime;

namespace Lamina.Agent;

/// <summary>
/// Emulator mode wired together: one Runtime API server per environment (for its runtime
/// process), the Invoke API server (for users), and the pool of environments between them.
/// Disposing stops accepting invokes, then kills the runtimes.
/// </summary>
internal sealed class AgentHost : IAsyncDisposable
{
    public const string Usage =
        "usage: lamina-init [--seccomp FILTER] [--runtime-api-address HOST:PORT] [--runtime-interface-emulator-address HOST:PORT] [--control-socket PATH] [--log-level LEVEL] [--] [command [args...]]";

    private readonly List<HttpServer> _runtimeApis;
    private readonly HttpServer _invokeApi;
    private readonly EnvironmentPool _pool;
    private readonly CancellationTokenSource _shutdown;

    private AgentHost(List<HttpServer> runtimeApis, HttpServer invokeApi, EnvironmentPool pool, CancellationTokenSource shutdown)
    {
        _shutdown = shutdown;
        _runtimeApis = runtimeApis;
        _invokeApi = invokeApi;
        _pool = pool;
    }

    /// <summary>host:port the first runtime is given in AWS_LAMBDA_RUNTIME_API.</summary>
    public string RuntimeApiAddress => _runtimeApis[0].LocalEndPoint.ToString()!;

    /// <summary>The invoke API's TCP address, or the control socket's path.</summary>
    public string InvokeApiAddress => _invokeApi.LocalEndPoint.ToString()!;

    /// <summary>Cancelled when the host asked for shutdown over the control channel.</summary>
    public CancellationToken ShutdownRequested => _shutdown.Token;

    /// <summary>Binds every server (port 0 picks free ports).</summary>
    /// <exception cref="System.Net.Sockets.SocketException">An address cannot be bound; nothing stays bound.</exception>
    public static AgentHost Start(EmulatorOptions options)
    {
        // One poller for every pipe of every environment; the function's log is the agent's stdout (fd 1) and stderr (fd 2).
        var poller = new OutputPoller(OutputSink.For(1), OutputSink.For(2));
        var log = new PlatformLog(poller, options.JsonLogFormat, options.SystemLogLevel);
        var runtimeApis = new List<HttpServer>();
        var environments = new List<FunctionEnvironment>();
        try
        {
            for (var i = 0; i < options.MaxConcurrency; i++)
            {
                FunctionEnvironment? environment = null;
                var endpoint = options.RuntimeApiEndpoint.Port == 0
                    ? options.RuntimeApiEndpoint
                    : new IPEndPoint(options.RuntimeApiEndpoint.Address, options.RuntimeApiEndpoint.Port + i);
                var platformApi = new PlatformApiRouter(new RuntimeApiHandler(() => environment!.Channel), new ExtensionsApiHandler(() => environment!.Extensions, options));
                var server = HttpServer.Start(endpoint, platformApi, new HttpLimits(RuntimeApiHandler.MaxResponseBytes));
                runtimeApis.Add(server);
                var address = server.LocalEndPoint.ToString()!;
                environment = new FunctionEnvironment(options, log, () => address);
                environments.Add(environment);
            }
            var pool = new EnvironmentPool(environments);
            var shutdown = new CancellationTokenSource();
            HttpServer invokeApi;
            if (options.ControlSocket is { } path)
            {
                if (File.Exists(path) || Directory.Exists(path))
                {
                    // Never delete what we did not create: the host gives a fresh path per environment.
                    throw new SocketException((int)SocketError.AddressAlreadyInUse, $"control socket path {path} already exists");
                }
                var control = new ControlApiHandler(new InvokeApiHandler(options, pool, trustedCaller: true), pool, () => shutdown.Cancel());
                // In a sandbox the function shares the agent's uid: only the pid namespace tells the host apart.
                var gate = options.ControlHostOnly ? new HostPeerGate() : null;
                invokeApi = HttpServer.Start(new UnixDomainSocketEndPoint(path), control, new HttpLimits(InvokeApiHandler.MaxPayloadBytes),
                    gate is null ? null : gate.Admit);
            }
            else
            {
                invokeApi = HttpServer.Start(options.EmulatorEndpoint, new InvokeApiHandler(options, pool), new HttpLimits(InvokeApiHandler.MaxPayloadBytes));
            }
            return new AgentHost(runtimeApis, invokeApi, pool, shutdown);
        }
        catch
        {
            foreach (var server in runtimeApis)
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _invokeApi.DisposeAsync();
        await _pool.DisposeAsync();
        foreach (var server in _runtimeApis)
        {
            await server.DisposeAsync();
        }
        if (_invokeApi.LocalEndPoint is UnixDomainSocketEndPoint)
        {
            try
            {
                File.Delete(_invokeApi.LocalEndPoint.ToString()!);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // In a sandbox the host seals the control directory once the agent listens (root-owned, so the
                // function cannot replace the socket); the host removes it with the sandbox.
            }
        }
        _shutdown.Dispose();
    }
}
