using System.Net;
using Lamina.Aws;
using Lamina.Control;
using Lamina.Control.Invoke;
using Lamina.Registry;
using Lamina.Scheduler;
using Lamina.Server.Telemetry;
using Lamina.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lamina.Server;

/// <summary>
/// Composes the one server process: one Kestrel listener serving the registry, the AWS APIs and the
/// console. Used by <c>lamina server</c> and by tests, which start it on port 0 with a temporary data directory.
/// </summary>
public sealed class LaminaHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LaminaHost(WebApplication app, LaminaOptions options, Credentials credentials, bool credentialsCreated)
    {
        _app = app;
        Options = options;
        Credentials = credentials;
        CredentialsCreated = credentialsCreated;
    }

    public LaminaOptions Options { get; }
    public Credentials Credentials { get; }

    /// <summary>True when this start generated the credentials (first start on this data directory).</summary>
    public bool CredentialsCreated { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The base address the server listens on, known once started (port 0 resolved).</summary>
    public Uri BaseAddress
    {
        get
        {
            var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Validates the options, prepares the data directory and builds the host (not yet started).
    /// <paramref name="configureServices"/> runs before the modules register theirs (tests plug in components that do not exist yet).
    /// </summary>
    public static LaminaHost Create(LaminaOptions options, Action<ILoggingBuilder>? configureLogging = null, Action<IServiceCollection>? configureServices = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new LaminaConfigurationException(errors);

        Directory.CreateDirectory(options.DataDir);
        var (credentials, created) = CredentialFile.LoadOrCreate(options.DataDir);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Nothing is read from appsettings files. Left on, config reload makes the host watch its
            // content root recursively (inotify, and an lstat per changed file under it): with the working
            // directory as content root, a pull written below it cost the server ~40% more CPU.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (options.LogFormat == "json") builder.Logging.AddJsonConsole();
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port);
            // Layers up to 10 GB stream straight to disk; the handlers enforce their own limits.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.AddServerHeader = false;
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(credentials);
        configureServices?.Invoke(builder.Services);
        builder.Services.AddLaminaRegistry(options.Registry, options.DataDir, options.AuthEnabled);
        // A test's own invoker (registered above) wins; otherwise real environments, or an invoker that says why not.
        if (!builder.Services.Any(d => d.ServiceType == typeof(IFunctionInvoker)))
            builder.Services.AddLaminaScheduler(options.Execution, options.DataDir, options.Registries);
        // Options a test registered above win; otherwise the Async and Logs sections (LAMINA__Async__*, LAMINA__Logs__*).
        builder.Services.TryAddSingleton(options.Async);
        builder.Services.TryAddSingleton(options.Logs);
        builder.Services.AddLaminaControl(options.DataDir, options.AuthEnabled, options.PublicHost);
        builder.Services.AddLaminaTracing(options.Telemetry);

        var app = builder.Build();
        app.MapLaminaRegistry();
        app.MapLaminaControl();
        app.MapLaminaConsole();
        app.MapLaminaAdmin();
        return new LaminaHost(app, options, credentials, created);
    }

    public Task StartAsync(CancellationToken ct = default) => _app.StartAsync(ct);

    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    public Task StopAsync(CancellationToken ct = default) => _app.StopAsync(ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>The options failed validation; <see cref="Exception.Message"/> lists every problem.</summary>
public sealed class LaminaConfigurationException(IReadOnlyList<string> errors)
    : Exception("invalid configuration:\n  - " + string.Join("\n  - ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
