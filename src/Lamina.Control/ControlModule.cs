using Lamina.Aws.Protocol;
using Microsoft.AspNetCore.Hosting.Server;
using Lamina.Control.Api;
using Lamina.Control.Async;
using Lamina.Control.Metrics;
using Lamina.Control.Invoke;
using Lamina.Control.States;
using Lamina.Control.Storage;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Lamina.Control;

/// <summary>Wires the Lambda control plane into the server: DATA/control.db, the state worker, the invoke path and the REST API.</summary>
public static class ControlModule
{
    /// <summary>
    /// Registers the control plane; control.db lives in <paramref name="dataDir"/>. <paramref name="publicHost"/>
    /// is one more ImageUri host the image resolver treats as this server (besides its listen addresses). An <see cref="IFunctionInvoker"/> registered before this call wins;
    /// otherwise <see cref="UnconfiguredInvoker"/> answers every invocation with a ServiceException.
    /// </summary>
    public static IServiceCollection AddLaminaControl(this IServiceCollection services, string dataDir, bool authEnabled, string? publicHost = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddAwsRequestAuthentication(authEnabled);
        services.AddSingleton(new ControlDatabase(Path.Combine(dataDir, "control.db")));
        services.AddSingleton<ControlStore>();
        services.TryAddSingleton<ILocalRegistryHosts>(sp => new ServerLocalHosts(sp.GetRequiredService<IServer>(), publicHost));
        services.TryAddSingleton<IFunctionImageResolver, RegistryImageResolver>();
        services.TryAddSingleton<IFunctionInvoker, UnconfiguredInvoker>();
        services.AddLaminaTelemetry(dataDir, authEnabled);
        services.AddSingleton<StateWorker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<StateWorker>());
        services.AddLaminaAsyncInvoke(dataDir);
        services.AddSingleton<LambdaApi>();
        services.AddSingleton<Urls.FunctionUrlEndpoint>();
        services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, Urls.FunctionUrlStartupFilter>();
        return services;
    }

    /// <summary>Maps Lambda's REST paths (/2015-03-31/functions…, /2017-03-31/tags…, …), the Logs API, /metrics and the console's JSON API.</summary>
    public static IEndpointRouteBuilder MapLaminaControl(this IEndpointRouteBuilder endpoints) => endpoints.MapLambdaApi().MapLaminaTelemetry();
}
