using System.CommandLine;
using Lamina.Server;
using Microsoft.Extensions.Configuration;

namespace Lamina.Cli.Commands;

/// <summary><c>lamina server</c>: starts everything in one process with embedded defaults.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port", "-p") { Description = "TCP port for everything (registry, AWS APIs, console); 0 picks a free one. Default 5050." };
        var dataDir = new Option<string?>("--data-dir", "-d") { Description = "Data directory (metadata, blobs, credentials). Default $XDG_DATA_HOME/lamina." };
        var listen = new Option<string?>("--listen") { Description = "Address to listen on. Default 127.0.0.1; any other address requires authentication." };
        var noAuth = new Option<bool>("--no-auth") { Description = "Disable authentication (loopback only, for local use)." };
        var logFormat = new Option<string?>("--log-format") { Description = "text or json." };

        var command = new Command("server", "Start the Lamina server (registry, Lambda API, console) in the foreground.")
        {
            port, dataDir, listen, noAuth, logFormat,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = LoadOptions();
            if (parse.GetValue(port) is { } p) options.Port = p;
            if (parse.GetValue(dataDir) is { } d) options.DataDir = Path.GetFullPath(d);
            if (parse.GetValue(listen) is { } l) options.ListenAddress = l;
            if (parse.GetValue(noAuth)) options.AuthEnabled = false;
            if (parse.GetValue(logFormat) is { } f) options.LogFormat = f;
            return await RunAsync(options, ct);
        });
        return command;
    }

    /// <summary>Defaults, overridden by LAMINA__* environment variables (LAMINA__Registry__GcInterval=00:05:00).</summary>
    private static LaminaOptions LoadOptions()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables("LAMINA__").Build();
        var options = new LaminaOptions();
        configuration.Bind(options);
        return options;
    }

    private static async Task<int> RunAsync(LaminaOptions options, CancellationToken ct)
    {
        LaminaHost host;
        try
        {
            host = LaminaHost.Create(options);
        }
        catch (LaminaConfigurationException e)
        {
            await Console.Error.WriteLineAsync("lamina server: " + e.Message);
            return 2;
        }
        await using (host)
        {
            try
            {
                await host.StartAsync(ct);
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"lamina server: cannot listen on {options.ListenAddress}:{options.Port}: {e.Message}");
                return 1;
            }
            PrintBanner(host);
            await host.WaitForShutdownAsync(ct);
        }
        return 0;
    }

    private static void PrintBanner(LaminaHost host)
    {
        var url = host.BaseAddress;
        var c = host.Credentials;
        Console.WriteLine($"Lamina is listening on {url}  (data: {host.Options.DataDir})");
        if (!host.Options.AuthEnabled)
        {
            Console.WriteLine("Authentication is DISABLED (--no-auth): anyone who can reach this port can push and invoke.");
        }
        if (host.CredentialsCreated)
        {
            Console.WriteLine("Generated credentials (stored in credentials.json under the data directory):");
        }
        Console.WriteLine($"  export AWS_ACCESS_KEY_ID={c.AccessKeyId}");
        Console.WriteLine($"  export AWS_SECRET_ACCESS_KEY={c.SecretAccessKey}");
        Console.WriteLine($"  export AWS_DEFAULT_REGION={c.Region}");
        Console.WriteLine($"  registry:  {url.Authority}   (docker login {url.Authority} -u {c.AccessKeyId})");
        Console.WriteLine($"  AWS CLI:   aws --endpoint-url {url.ToString().TrimEnd('/')} ecr describe-repositories");
    }
}
