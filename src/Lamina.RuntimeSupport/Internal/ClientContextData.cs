using System.Text.Json;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>The client context JSON (<c>{"client":{…},"env":{…},"custom":{…}}</c>) read with JsonDocument
/// (no reflection). Anything unreadable gives empty values: a bad client context is the caller's data,
/// not a reason to fail the invocation.</summary>
internal sealed class ClientContextData : IClientContext, IClientApplication
{
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
    public IDictionary<string, string> Custom { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
    public IClientApplication Client => this;
    public string AppPackageName { get; private set; } = "";
    public string AppTitle { get; private set; } = "";
    public string AppVersionCode { get; private set; } = "";
    public string AppVersionName { get; private set; } = "";
    public string InstallationId { get; private set; } = "";

    public static ClientContextData Parse(string json)
    {
        var data = new ClientContextData();
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return data;
            var root = doc.RootElement;
            Fill(root, "env", data.Environment);
            Fill(root, "custom", data.Custom);
            if (root.TryGetProperty("client", out var client) && client.ValueKind == JsonValueKind.Object)
            {
                data.AppPackageName = Text(client, "app_package_name");
                data.AppTitle = Text(client, "app_title");
                data.AppVersionCode = Text(client, "app_version_code");
                data.AppVersionName = Text(client, "app_version_name");
                data.InstallationId = Text(client, "installation_id");
            }
        }
        catch (JsonException)
        {
            // Unreadable: empty values (see the type's comment).
        }
        return data;
    }

    internal static string Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    private static void Fill(JsonElement root, string name, IDictionary<string, string> target)
    {
        if (!root.TryGetProperty(name, out var obj) || obj.ValueKind != JsonValueKind.Object) return;
        foreach (var p in obj.EnumerateObject())
            target[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText();
    }
}
