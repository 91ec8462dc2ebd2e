using System.Text.Json;
using Lamina.Environments;

namespace Lamina.Cli.Run;

/// <summary>
/// The message for an environment that did not start. A runtime that failed to initialise comes back as the
/// agent's init answer (JSON: <c>{"status":"failed","error":{"errorType","errorMessage"}}</c>); shown raw it hid the
/// one line that matters, so the error type and message are lifted out, with where to look for the usual causes.
/// </summary>
internal static class StartFailure
{
    public static string Describe(EnvironmentError error)
    {
        if (error.Code == EnvironmentErrorCode.InitFailed && RuntimeError(error.Message) is var (type, message))
        {
            var hint = type switch
            {
                "Runtime.InvalidEntrypoint" => " Check the image's ENTRYPOINT (or --entrypoint): the program must exist in the image and be executable.",
                "Runtime.ImportModuleError" or "Runtime.HandlerNotFound" or "Runtime.UserCodeSyntaxError" or "Runtime.MalformedHandlerName" =>
                    " Check the handler: the image's CMD, or the words after IMAGE on this command line (MODULE.FUNCTION).",
                _ => "",
            };
            return $"the function's runtime failed to initialise: {type}: {message.TrimEnd('.')}.{hint}";
        }
        return $"the environment did not start: {error}";
    }

    private static (string Type, string Message)? RuntimeError(string detail)
    {
        try
        {
            using var doc = JsonDocument.Parse(detail);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
                && e.TryGetProperty("errorType", out var t) && t.ValueKind == JsonValueKind.String)
            {
                var message = e.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                return (t.GetString()!, message);
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
