using System.Text;
using System.Text.Json;

namespace Lamina.Control.States;

/// <summary>
/// Reads registry logins from a docker config.json: <c>{"auths":{"HOST":{"auth":"base64(user:password)"}}}</c>,
/// or <c>username</c>/<c>password</c> members in place of <c>auth</c>. Keys written as URLs
/// (<c>https://host:5000/v1/</c>) are reduced to host:port. Credential helpers (credsStore, credHelpers) are not
/// run: a server does not execute programs named in a config file; entries without a login are skipped.
/// </summary>
public static class DockerConfigFile
{
    private const long MaxBytes = 1024 * 1024;

    /// <summary>The logins by host, or why the file cannot be used (the message never contains a secret).</summary>
    public static (IReadOnlyDictionary<string, RegistryLogin>? Logins, string? Error) Read(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return (null, $"{path} does not exist");
            if (info.Length > MaxBytes) return (null, $"{path} is larger than {MaxBytes} bytes");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"{path} cannot be read: {e.Message}");
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (null, $"{path} is not a JSON object");
            var logins = new Dictionary<string, RegistryLogin>(StringComparer.OrdinalIgnoreCase);
            if (!doc.RootElement.TryGetProperty("auths", out var auths)) return (logins, null);
            if (auths.ValueKind != JsonValueKind.Object) return (null, $"{path}: \"auths\" is not an object");
            foreach (var entry in auths.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Object) return (null, $"{path}: auths entry '{entry.Name}' is not an object");
                var login = LoginOf(entry.Value);
                if (login.Error is not null) return (null, $"{path}: auths entry '{entry.Name}': {login.Error}");
                if (login.Login is not null) logins[HostOf(entry.Name)] = login.Login;
            }
            return (logins, null);
        }
        catch (JsonException)
        {
            // The parser's message can quote the document, which holds secrets: say only where.
            return (null, $"{path} is not valid JSON");
        }
    }

    private static (RegistryLogin? Login, string? Error) LoginOf(JsonElement entry)
    {
        if (entry.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && auth.GetString() is { Length: > 0 } encoded)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException)
            {
                return (null, "\"auth\" is not base64");
            }
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon <= 0 ? (null, "\"auth\" does not decode to user:password") : (new RegistryLogin(decoded[..colon], decoded[(colon + 1)..]), null);
        }
        var user = entry.TryGetProperty("username", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        var password = entry.TryGetProperty("password", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return !string.IsNullOrEmpty(user) && password is not null ? (new RegistryLogin(user, password), null) : (null, null);
    }

    /// <summary>"https://host:5000/v1/" → "host:5000"; a plain "host:5000" stays as it is.</summary>
    internal static string HostOf(string key)
    {
        var s = key.Trim();
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) s = s[(scheme + 3)..];
        var slash = s.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? s[..slash] : s;
    }
}
