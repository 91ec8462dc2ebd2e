using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lamina.Images.Tests;

/// <summary>
/// Debian's real distribution registry (/usr/bin/docker-registry), started on a free loopback port with a
/// generated config and a temp storage directory — never the system service.
/// </summary>
public sealed class DistributionRegistry : IDisposable
{
    private const string Binary = "/usr/bin/docker-registry";
    private readonly Process process;
    private readonly string dir;

    public DistributionRegistry() : this(null) { }

    /// <param name="authSection">YAML for the config's "auth:" section (indented two spaces), or null for none.</param>
    /// <param name="tls">PEM certificate and key files: the registry serves HTTPS only.</param>
    public DistributionRegistry(string? authSection, (string Certificate, string Key)? tls = null)
    {
        Tls = tls is not null;
        var tlsSection = tls is null ? "" : $"  tls:\n    certificate: {tls.Value.Certificate}\n    key: {tls.Value.Key}";
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: run ./test.sh (it installs docker-registry) or apt-get install -y docker-registry");
        dir = Path.Combine(Path.GetTempPath(), "lamina-registry-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path.Combine(dir, "storage"));
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            var config = Path.Combine(dir, "config.yml");
            File.WriteAllText(config, $"""
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: {dir}/storage
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:{Port}
                {tlsSection}
                {(authSection is null ? "" : "auth:\n" + authSection)}
                """);
            process = Process.Start(new ProcessStartInfo(Binary, ["serve", config])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            process.ErrorDataReceived += (_, _) => { };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            if (WaitReady()) return;
            process.Kill();
            process.WaitForExit();
            if (attempt == 3) throw new InvalidOperationException($"docker-registry did not start on 127.0.0.1:{Port}");
        }
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Whether it serves HTTPS (with the certificate given at start).</summary>
    public bool Tls { get; }

    private bool WaitReady()
    {
        // Readiness only: any certificate will do here; the tests judge trust through the client under test.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = http.GetAsync($"{(Tls ? "https" : "http")}://{Host}/v2/").GetAwaiter().GetResult();
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Thread.Sleep(100);
        }
        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try { process.Kill(entireProcessTree: true); process.WaitForExit(10_000); } catch (InvalidOperationException) { }
        process.Dispose();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
