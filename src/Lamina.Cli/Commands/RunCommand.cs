using System.CommandLine;
using Lamina.Cli.Client;
using Lamina.Cli.Run;
using Lamina.Environments;
using Lamina.Images.Registry;
using Lamina.Sandbox;

namespace Lamina.Cli.Commands;

/// <summary>
/// <c>lamina run [-p HOSTPORT:8080] [-e K=V]… IMAGE [CMD…]</c>: the local emulator of an image, in place of
/// <c>docker run</c> + aws-lambda-rie. Pulls the image, starts one real execution environment (runc, network
/// none, the hardened sandbox), serves the Invoke API on 127.0.0.1:HOSTPORT, streams the function's log, and
/// destroys everything on Ctrl-C or SIGTERM.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "Registry reference (HOST/REPO:TAG or …@sha256:…) or an OCI layout oci:DIR[:TAG]." };
        var cmd = new Argument<string[]>("CMD") { Description = "Overrides the image's CMD (for Lambda images: the handler).", Arity = ArgumentArity.ZeroOrMore };
        var publish = new Option<string>("--publish", "-p") { Description = "HOSTPORT:8080 — serve the Invoke API on 127.0.0.1:HOSTPORT. Default 9000:8080.", DefaultValueFactory = _ => "9000:8080" };
        var env = new Option<string[]>("--env", "-e") { Description = "Environment variable K=V for the function (repeatable).", AllowMultipleArgumentsPerToken = false };
        var entrypoint = new Option<string?>("--entrypoint") { Description = "Overrides the image's ENTRYPOINT (one executable path)." };
        var memory = new Option<int>("--memory") { Description = "Memory in MB, 128–10240. Default 512.", DefaultValueFactory = _ => 512 };
        var timeout = new Option<int>("--timeout") { Description = "Per-invoke timeout in seconds, 1–900. Default 300 (as aws-lambda-rie).", DefaultValueFactory = _ => 300 };
        var name = new Option<string>("--function-name") { Description = "AWS_LAMBDA_FUNCTION_NAME inside the environment. Default 'function'.", DefaultValueFactory = _ => "function" };
        var agent = new Option<string?>("--agent") { Description = "The NativeAOT lamina-init binary. Default $LAMINA_INIT_BINARY, then next to lamina, then the build cache in /var/tmp." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Where pulled images are unpacked (kept between runs). Default $XDG_CACHE_HOME/lamina/images." };
        var accessKey = new Option<string?>("--access-key") { Description = "Registry user / access key id. Default $AWS_ACCESS_KEY_ID, then credentials.json in --data-dir." };
        var secretKey = new Option<string?>("--secret-key") { Description = "Registry password / secret access key. Default $AWS_SECRET_ACCESS_KEY." };
        var dataDir = new Option<string?>("--data-dir", "-d") { Description = "A Lamina server's data directory, to read registry credentials from." };
        var command = new Command("run", "Run an image locally as one Lambda execution environment and serve the Invoke API (the replacement for docker run + aws-lambda-rie). Needs root and runc.")
        {
            image, cmd, publish, env, entrypoint, memory, timeout, name, agent, cacheDir, accessKey, secretKey, dataDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var port = ParsePublish(parse.GetValue(publish)!);
                var function = new FunctionConfig(parse.GetValue(name)!, MemoryMb: parse.GetValue(memory), TimeoutSeconds: parse.GetValue(timeout))
                {
                    Variables = ParseEnv(parse.GetValue(env) ?? []),
                    ImageConfig = Overrides(parse.GetValue(entrypoint), parse.GetValue(cmd) ?? []),
                    Handler = (parse.GetValue(cmd) ?? []).FirstOrDefault() ?? "",
                };
                if (function.MemoryMb is < 128 or > 10240) throw CliException.Usage("--memory must be 128–10240 MB.");
                if (function.TimeoutSeconds is < 1 or > 900) throw CliException.Usage("--timeout must be 1–900 seconds.");
                var agentBinary = CheckHost(parse.GetValue(agent));
                var credentials = RegistryCredentialsFrom(parse.GetValue(accessKey), parse.GetValue(secretKey), parse.GetValue(dataDir));
                var cache = parse.GetValue(cacheDir) is { } c ? Path.GetFullPath(c) : DefaultCacheDir();
                var pulled = await ImageSource.PullAsync(parse.GetValue(image)!, cache, credentials, ct);
                return await RunLoop.RunAsync(agentBinary, parse.GetValue(image)!, pulled, function, port, ct);
            }
            catch (CliException e)
            {
                return CommandRunner.Fail(e, json: false);
            }
        });
        return command;
    }

    /// <summary>HOSTPORT:8080 or HOSTPORT; the container side is always 8080, as the Lambda base images use.</summary>
    internal static int ParsePublish(string text)
    {
        var parts = text.Split(':');
        if (parts.Length is 1 or 2 && int.TryParse(parts[0], out var port) && port is > 0 and < 65536 && (parts.Length == 1 || parts[1] == "8080"))
            return port;
        throw CliException.Usage($"-p '{text}': expected HOSTPORT:8080 (e.g. -p 9000:8080), the host port being 1–65535.");
    }

    private static Dictionary<string, string> ParseEnv(string[] pairs)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) throw CliException.Usage($"-e '{pair}': expected NAME=VALUE.");
            variables[pair[..eq]] = pair[(eq + 1)..];
        }
        return variables;
    }

    private static ImageConfigOverrides? Overrides(string? entrypoint, string[] cmd) =>
        entrypoint is null && cmd.Length == 0 ? null
            : new ImageConfigOverrides(entrypoint is null ? null : [entrypoint], cmd.Length == 0 ? null : cmd, null);

    // runc needs root; the agent must exist before anything is pulled, so the user learns it in a second.
    private static string CheckHost(string? agentOption)
    {
        if (!Environment.IsPrivilegedProcess)
            throw new CliException(ExitCodes.Usage, "lamina run needs root (it creates runc sandboxes, mounts and cgroups): run it with sudo.");
        if (!File.Exists(new SandboxManagerOptions("/").RuncPath))
            throw new CliException(ExitCodes.Usage, "lamina run needs runc at /usr/sbin/runc: apt-get install -y runc.");
        var (path, searched) = AgentBinaryLocator.Find(agentOption);
        return path ?? throw new CliException(ExitCodes.Usage,
            $"lamina-init (the agent run inside the sandbox) was not found; looked at: {searched}. Publish it with " +
            "`dotnet publish src/Lamina.Agent -c Release -r linux-x64 -o DIR` and pass --agent DIR/lamina-init or set LAMINA_INIT_BINARY.");
    }

    private static RegistryCredentials? RegistryCredentialsFrom(string? key, string? secret, string? dataDir)
    {
        if ((key is null) != (secret is null)) throw CliException.Usage("give both --access-key and --secret-key, or neither.");
        if (key is not null) return new(key, secret!);
        if (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } k
            && Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } s) return new(k, s);
        if (dataDir is null) return null;
        var stored = ConnectionSettings.ReadCredentialFile(dataDir);
        return new(stored.AccessKeyId, stored.SecretAccessKey);
    }

    private static string DefaultCacheDir()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = xdg is { Length: > 0 } ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "lamina", "images");
    }
}
