using System.Security.Cryptography;
using System.Text;
using Lamina.Aws;
using Lamina.Control.Invoke;
using Lamina.Control.States;
using Lamina.Environments;
using Lamina.Images;
using Lamina.Images.Registry;
using Lamina.Registry.Storage;
using Lamina.Sandbox;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Lamina.Scheduler;

/// <summary>
/// Registers execution: the <see cref="Scheduler"/> as the <see cref="IFunctionInvoker"/>, the pulling image
/// resolver, and the reaper. Call before AddLaminaControl (its registrations are the fallbacks).
/// <code>
/// DATA/execution/
///  ├─ snapshots/ images/ downloads/   the image store (docs/images.md)
///  └─ runc/ sandboxes/&lt;id&gt;/         the sandbox manager (docs/sandbox.md); stdout.log/stderr.log per environment
/// </code>
/// </summary>
public static class SchedulerModule
{
    /// <summary>sun_path is 108 bytes including its terminating NUL.</summary>
    private const int MaxSocketPath = 107;

    /// <summary>
    /// Registers the scheduler when execution is enabled and possible here; otherwise a <see cref="DisabledInvoker"/>
    /// that says why. Returns that reason, or null when execution is on.
    /// </summary>
    /// <param name="registries">Logins and insecure hosts for images in other registries; none when null.</param>
    public static string? AddLaminaScheduler(this IServiceCollection services, ExecutionOptions options, string dataDir, RegistriesOptions? registries = null)
    {
        var root = Path.Combine(Path.GetFullPath(dataDir), "execution");
        var why = options.Enabled == false ? "execution is disabled (Execution:Enabled=false)" : ExecutionAvailability.WhyNot(options) ?? SocketPathProblem(root);
        if (why is not null)
        {
            services.AddSingleton<IFunctionInvoker>(new DisabledInvoker(why));
            return why;
        }
        var agent = ExecutionAvailability.FindAgent(options.AgentBinary)!;
        var cgroupParent = options.CgroupParent ?? "lamina-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..12];

        services.AddSingleton(sp => new SchedulerSettings(options.IdleTimeout, options.AccountConcurrency, options.ScalingRate,
            options.ScalingBurst, options.MemoryLimitMb > 0 ? options.MemoryLimitMb : SchedulerSettings.HostMemoryMb(),
            sp.GetRequiredService<Credentials>().Region) { SpareSandboxes = options.SpareSandboxes, PrewarmOnActive = options.PrewarmOnActive });
        services.AddSingleton(new SandboxManager(new SandboxManagerOptions(root, cgroupParent, options.RuncPath)
        {
            Cpu = options.ToCpuLimits(), Runtime = options.SandboxRuntime, CrunPath = options.CrunPath,
            SeccompInAgent = options.SeccompInAgent,
        }));
        services.AddSingleton(sp => new EnvironmentFactory(sp.GetRequiredService<SandboxManager>(), new EnvironmentOptions(agent) { DeadlineGrace = options.DeadlineGrace, MaxConcurrentStarts = options.MaxConcurrentStarts }));
        services.AddSingleton(sp => new RegistryImageResolver(sp.GetRequiredService<IRegistryMetadata>(), sp.GetRequiredService<ILocalRegistryHosts>()));
        services.AddSingleton(sp =>
        {
            var credentials = sp.GetRequiredService<Credentials>();
            var server = sp.GetRequiredService<IServer>();
            var localHosts = sp.GetRequiredService<ILocalRegistryHosts>();
            var resolver = sp.GetRequiredService<RegistryImageResolver>();
            var logins = registries?.Logins() ?? new Dictionary<string, RegistryLogin>();
            var own = new RegistryCredentials(credentials.AccessKeyId, credentials.SecretAccessKey);
            return new ImageCache(
                new Lazy<ImageStore>(() => new ImageStore(new ImageStoreOptions
                {
                    DataDirectory = root,
                    Registry = new RegistryClientOptions
                    {
                        // The server's own keys go only to its own registry; another registry gets its configured login or none.
                        Credentials = host => localHosts.IsLocal(host) ? own
                            : logins.TryGetValue(host, out var login) ? new RegistryCredentials(login.Username, login.Password) : null,
                        InsecureRegistries = registries?.Insecure.Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [],
                        SecureRegistries = registries?.Secure.Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [],
                        TrustedCertificates = registries?.TrustedCertificates(),
                    },
                })),
                ct => LoopbackAuthorityAsync(server, ct),
                resolver.IsLocalAsync);
        });
        services.AddSingleton<IImagePullProgress>(sp => sp.GetRequiredService<ImageCache>());
        services.AddSingleton<Scheduler>();
        services.AddSingleton<IFunctionInvoker>(sp => sp.GetRequiredService<Scheduler>());
        services.AddSingleton<IFunctionImageResolver>(sp => new PullingImageResolver(
            sp.GetRequiredService<RegistryImageResolver>(), sp.GetRequiredService<ImageCache>()));
        services.AddSingleton<SchedulerService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SchedulerService>());
        services.AddSingleton(sp => new ImageCachePruner(sp.GetRequiredService<ImageCache>(), sp.GetRequiredService<Lamina.Control.Storage.ControlStore>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ImageCachePruner>());
        return null;
    }

    private static string? SocketPathProblem(string root)
    {
        var socket = Path.Combine(root, "sandboxes", new string('x', Scheduler.SandboxIdLength), "control", "control.sock");
        return Encoding.UTF8.GetByteCount(socket) <= MaxSocketPath ? null
            : $"the data directory path is too long: environment control sockets ({socket}) must fit in {MaxSocketPath} bytes; use a shorter data directory";
    }

    /// <summary>host:port of this server's own listener, over loopback; waits until Kestrel has bound it.</summary>
    private static async Task<string> LoopbackAuthorityAsync(IServer server, CancellationToken ct)
    {
        while (true)
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is not null && Uri.TryCreate(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)
                    .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("+", "127.0.0.1", StringComparison.Ordinal), UriKind.Absolute, out var uri) && uri.Port != 0)
                return uri.Authority;
            await Task.Delay(50, ct);
        }
    }
}
