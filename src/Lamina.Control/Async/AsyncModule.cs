using Lamina.Control.Invoke;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Lamina.Control.Async;

/// <summary>Registers the durable asynchronous invocation queue (DATA/async.db) and its worker.</summary>
public static class AsyncModule
{
    /// <summary>An <see cref="AsyncInvokeOptions"/> registered earlier wins over the defaults.</summary>
    public static IServiceCollection AddLaminaAsyncInvoke(this IServiceCollection services, string dataDir)
    {
        services.TryAddSingleton(new AsyncInvokeOptions());
        services.AddSingleton(new AsyncDatabase(Path.Combine(dataDir, "async.db")));
        services.AddSingleton<AsyncEventStore>();
        services.AddSingleton<AsyncInvokeQueue>();
        services.AddSingleton<AsyncInvokeWorker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AsyncInvokeWorker>());
        return services;
    }
}
