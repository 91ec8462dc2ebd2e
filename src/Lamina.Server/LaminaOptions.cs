using System.Net;
using Lamina.Registry;
using Lamina.Scheduler;

namespace Lamina.Server;

/// <summary>
/// The one typed options root of the server process. Bound from environment variables
/// (<c>LAMINA__Port</c>, <c>LAMINA__Registry__UploadExpiry</c>, …), then from command-line flags,
/// and validated once at start by <see cref="Validate"/>.
/// </summary>
public sealed class LaminaOptions
{
    /// <summary>TCP port for everything (registry, AWS APIs, console). 0 picks a free port.</summary>
    public int Port { get; set; } = 5050;

    /// <summary>Address to listen on. Loopback by default; anything else requires authentication.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The one data directory: metadata database, blobs, uploads, credentials.</summary>
    public string DataDir { get; set; } = DefaultDataDir();

    /// <summary>When false, every request is allowed. Only permitted on a loopback address.</summary>
    public bool AuthEnabled { get; set; } = true;

    /// <summary>"text" (human) or "json" (one JSON object per log line).</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>Public base URL clients use to reach the server (token realm, repositoryUri). Derived from the listen address when empty.</summary>
    public string? PublicHost { get; set; }

    public RegistryOptions Registry { get; set; } = new();

    /// <summary>Other registries function images are pulled from: logins, docker config.json, insecure hosts (<c>LAMINA__Registries__*</c>).</summary>
    public Lamina.Control.States.RegistriesOptions Registries { get; set; } = new();

    /// <summary>Running functions: on when runc exists, we are root and lamina-init is found, unless disabled.</summary>
    public ExecutionOptions Execution { get; set; } = new();

    /// <summary>The asynchronous (Event) invocation worker (<c>LAMINA__Async__MaxConcurrency</c>, …).</summary>
    public Lamina.Control.Async.AsyncInvokeOptions Async { get; set; } = new();

    /// <summary>The logs store (<c>LAMINA__Logs__MaxStoredBytes</c>, …).</summary>
    public Lamina.Control.Logs.LogsOptions Logs { get; set; } = new();

    /// <summary>Trace export (<c>LAMINA__Telemetry__OtlpEndpoint</c>, …); off by default.</summary>
    public Telemetry.TelemetryOptions Telemetry { get; set; } = new();

    public static string DefaultDataDir()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "share") : xdg, "lamina");
    }

    /// <summary>Every problem with the options, as messages a user can act on. Empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535) errors.Add($"port {Port} is out of range 0-65535");
        if (!IPAddress.TryParse(ListenAddress, out var address))
        {
            errors.Add($"listen address '{ListenAddress}' is not an IP address");
        }
        else if (!AuthEnabled && !IPAddress.IsLoopback(address))
        {
            errors.Add($"authentication cannot be disabled when listening on {ListenAddress}; listen on 127.0.0.1 or enable authentication");
        }
        if (string.IsNullOrWhiteSpace(DataDir)) errors.Add("data directory must be set");
        if (LogFormat is not ("text" or "json")) errors.Add($"log format '{LogFormat}' must be 'text' or 'json'");
        errors.AddRange(Registry.Validate());
        errors.AddRange(Registries.Validate());
        errors.AddRange(Execution.Validate());
        errors.AddRange(Async.Validate());
        errors.AddRange(Logs.Validate());
        errors.AddRange(Telemetry.Validate());
        if (Execution.Enabled == true && ExecutionAvailability.WhyNot(Execution) is { } why) errors.Add("Execution:Enabled is true but " + why);
        return errors;
    }
}
