using Lamina.Control.Domain;

namespace Lamina.Control.Storage;

/// <summary>Aliases, function URL configurations and event invoke configurations (keyed per function).</summary>
public sealed partial class ControlSession
{
    // ---- aliases -----------------------------------------------------------------------
    public AliasConfig? Alias(string function, string alias) => Child<AliasConfig>("aliases", "name", function, alias);

    /// <summary>Aliases in name order.</summary>
    public List<AliasConfig> Aliases(string function) => Children<AliasConfig>("aliases", "name", function);

    public void PutAlias(string function, AliasConfig alias) => PutChild("aliases", "name", function, alias.Name, alias);

    public bool DeleteAlias(string function, string alias) => DeleteChild("aliases", "name", function, alias);

    // ---- function URLs -----------------------------------------------------------------
    public UrlConfig? Url(string function, string? qualifier) => Child<UrlConfig>("url_configs", "qualifier", function, qualifier ?? "");

    public List<UrlConfig> Urls(string function) => Children<UrlConfig>("url_configs", "qualifier", function);

    public void PutUrl(string function, UrlConfig url) => PutChild("url_configs", "qualifier", function, url.Qualifier ?? "", url);

    /// <summary>The function and URL configuration with this URL id (the function URL endpoint's lookup), or null.</summary>
    public (string Function, UrlConfig Url)? UrlById(string urlId) =>
        _c.Query(_tx, "SELECT function_name, config FROM url_configs WHERE json_extract(config, '$.UrlId') = $id",
            r => (r.GetString(0), ControlJson.Read<UrlConfig>(r.GetString(1))), ("$id", urlId)) is [var hit, ..] ? hit : null;

    public bool DeleteUrl(string function, string? qualifier) => DeleteChild("url_configs", "qualifier", function, qualifier ?? "");

    // ---- event invoke configs ------------------------------------------------------------
    public EventInvokeConfig? EventInvoke(string function, string? qualifier) =>
        Child<EventInvokeConfig>("event_invoke_configs", "qualifier", function, qualifier ?? "");

    public List<EventInvokeConfig> EventInvokes(string function) => Children<EventInvokeConfig>("event_invoke_configs", "qualifier", function);

    public void PutEventInvoke(string function, EventInvokeConfig config) =>
        PutChild("event_invoke_configs", "qualifier", function, config.Qualifier ?? "", config);

    public bool DeleteEventInvoke(string function, string? qualifier) =>
        DeleteChild("event_invoke_configs", "qualifier", function, qualifier ?? "");

    // Table and key column names below are compile-time constants of this file, never user input.
    private T? Child<T>(string table, string key, string function, string id) where T : class =>
        _c.Query(_tx, $"SELECT config FROM {table} WHERE function_name = $f AND {key} = $k",
            r => ControlJson.Read<T>(r.GetString(0)), ("$f", function), ("$k", id)).FirstOrDefault();

    private List<T> Children<T>(string table, string key, string function) =>
        _c.Query(_tx, $"SELECT config FROM {table} WHERE function_name = $f ORDER BY {key}",
            r => ControlJson.Read<T>(r.GetString(0)), ("$f", function));

    private void PutChild<T>(string table, string key, string function, string id, T value) =>
        _c.Execute(_tx, $"INSERT INTO {table}(function_name, {key}, config) VALUES ($f, $k, $c) ON CONFLICT DO UPDATE SET config = excluded.config",
            ("$f", function), ("$k", id), ("$c", ControlJson.Write(value)));

    private bool DeleteChild(string table, string key, string function, string id) =>
        _c.Execute(_tx, $"DELETE FROM {table} WHERE function_name = $f AND {key} = $k", ("$f", function), ("$k", id)) > 0;
}
