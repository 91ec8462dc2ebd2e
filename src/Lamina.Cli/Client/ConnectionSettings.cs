using System.CommandLine;
using System.Text.Json;
using Lamina.Server;

namespace Lamina.Cli.Client;

/// <summary>Where the server is and which keys to sign with, resolved from flags, environment and the data directory.</summary>
internal sealed record ConnectionSettings(Uri Endpoint, string AccessKeyId, string SecretAccessKey, string Region)
{
    /// <summary>
    /// Credentials come from --access-key/--secret-key, then AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then
    /// DATA/credentials.json (--data-dir or the default data directory); the endpoint from --endpoint,
    /// LAMINA_ENDPOINT, then http://127.0.0.1:5050.
    /// </summary>
    public static ConnectionSettings Resolve(ParseResult parse, ClientOptions options)
    {
        var endpointText = parse.GetValue(options.Endpoint) ?? Environment.GetEnvironmentVariable("LAMINA_ENDPOINT") ?? ClientOptions.DefaultEndpoint;
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != "http" && endpoint.Scheme != "https"))
            throw CliException.Usage($"--endpoint '{endpointText}' is not an http(s) URL (e.g. {ClientOptions.DefaultEndpoint}).");
        var region = Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";

        var key = parse.GetValue(options.AccessKey);
        var secret = parse.GetValue(options.SecretKey);
        if ((key is null) != (secret is null))
            throw CliException.Usage("--access-key and --secret-key go together: give both or neither.");
        if (key is not null && secret is not null) return new(endpoint, key, secret, region);

        key = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (!string.IsNullOrEmpty(key) && !string.IsNullOrEmpty(secret)) return new(endpoint, key, secret, region);

        var stored = ReadCredentialFile(parse.GetValue(options.DataDir));
        return new(endpoint, stored.AccessKeyId, stored.SecretAccessKey, stored.Region);
    }

    /// <summary>Reads DATA/credentials.json without ever creating it (that is the server's job).</summary>
    public static Lamina.Aws.Credentials ReadCredentialFile(string? dataDir)
    {
        var dir = dataDir is null ? LaminaOptions.DefaultDataDir() : Path.GetFullPath(dataDir);
        var path = Path.Combine(dir, CredentialFile.FileName);
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            var root = doc.RootElement;
            string Get(string name) => root.TryGetProperty(name, out var v) && v.GetString() is { Length: > 0 } s
                ? s : throw new InvalidDataException($"'{name}' is missing");
            return new(Get("accessKeyId"), Get("secretAccessKey"),
                root.TryGetProperty("region", out var r) ? r.GetString() ?? "us-east-1" : "us-east-1",
                root.TryGetProperty("accountId", out var a) ? a.GetString() ?? "000000000000" : "000000000000");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException(ExitCodes.AuthFailure,
                $"no credentials: {path} does not exist. Pass --access-key/--secret-key, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, " +
                "or point --data-dir at the server's data directory.");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.AuthFailure, $"cannot read credentials from {path}: {e.Message}");
        }
    }
}
