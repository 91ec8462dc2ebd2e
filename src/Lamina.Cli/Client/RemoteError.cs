using System.Net.Http;
using System.Text.Json;

namespace Lamina.Cli.Client;

/// <summary>Turns an AWS-style error answer into a <see cref="CliException"/>; the one place error answers are worded.</summary>
internal static class RemoteError
{
    private static readonly HashSet<string> AuthTypes = new(StringComparer.Ordinal)
    {
        "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException",
        "IncompleteSignatureException", "AccessDeniedException", "UNAUTHORIZED", "DENIED",
    };

    public static CliException From(HttpResponseMessage response, string body, ConnectionSettings settings)
    {
        var (type, message) = Parse(response, body);
        if (AuthTypes.Contains(type) || (type.Length == 0 && LaminaClient.IsAuthStatus(response.StatusCode)))
        {
            return new CliException(ExitCodes.AuthFailure,
                $"Lamina at {settings.Endpoint.ToString().TrimEnd('/')} refused the credentials for access key '{settings.AccessKeyId}' ({type}: {message}). " +
                "Run `lamina credentials --data-dir DATA` on the server's machine for the right keys, or pass --access-key/--secret-key.", type);
        }
        var label = type.Length > 0 ? type : $"HTTP {(int)response.StatusCode}";
        var hint = Hints.GetValueOrDefault(type);
        return new CliException(ExitCodes.RemoteError, hint is null ? $"{label}: {message}" : $"{label}: {message.TrimEnd('.')}. {hint}", type);
    }

    /// <summary>
    /// What to do next after the answers a new user meets most (a name typed wrong, an image not pushed yet);
    /// the server's message says what is missing, the hint where to look.
    /// </summary>
    private static readonly Dictionary<string, string> Hints = new(StringComparer.Ordinal)
    {
        ["ResourceNotFoundException"] = "`lamina functions ls` lists the functions (`lamina functions versions NAME` and `lamina alias ls NAME` their versions and aliases).",
        ["RepositoryNotFoundException"] = "`lamina images ls` lists the repositories; `aws ecr create-repository --repository-name NAME` creates one.",
        ["ImageNotFoundException"] = "`lamina images ls REPO` lists the repository's tags and digests.",
    };

    /// <summary>The error code from x-amzn-ErrorType, __type or the registry's errors[0].code, and its message.</summary>
    public static (string Type, string Message) Parse(HttpResponseMessage response, string body)
    {
        var type = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.First() : "";
        var message = "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (type.Length == 0 && root.TryGetProperty("__type", out var t)) type = t.GetString() ?? "";
                if (root.TryGetProperty("message", out var m) || root.TryGetProperty("Message", out m)) message = m.GetString() ?? "";
                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
                {
                    var first = errors[0];
                    if (type.Length == 0 && first.TryGetProperty("code", out var c)) type = c.GetString() ?? "";
                    if (message.Length == 0 && first.TryGetProperty("message", out var em)) message = em.GetString() ?? "";
                }
            }
        }
        catch (JsonException)
        {
            message = body.Length > 300 ? body[..300] : body;
        }
        type = type.Split(':')[0].Split('#')[^1];
        if (message.Length == 0) message = response.ReasonPhrase ?? "no details";
        return (type, message);
    }
}
