using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Lamina.Build.Stages;

/// <summary>
/// A stage while it is built: its layers, the image config fields instructions change, the ARGs in scope, and
/// the cache chain — a hash of the base and every instruction so far (after substitution), so a layer's cache
/// key covers everything that could change it.
/// </summary>
internal sealed class StageState(int index, string? name)
{
    public int Index { get; } = index;

    public string? Name { get; } = name;

    /// <summary>Layers bottom first.</summary>
    public List<LayerRef> Layers { get; } = [];

    /// <summary>The base image's config.config, kept for fields no instruction touches (Healthcheck, Volumes…).</summary>
    public JsonObject BaseConfig { get; set; } = [];

    /// <summary>The base image's history entries, verbatim.</summary>
    public List<JsonNode> BaseHistory { get; } = [];

    public List<HistoryEntry> History { get; } = [];

    public List<KeyValuePair<string, string>> Env { get; } = [];

    public List<string>? Entrypoint { get; set; }

    public List<string>? Cmd { get; set; }

    public string? WorkingDir { get; set; }

    public string? User { get; set; }

    public string? StopSignal { get; set; }

    public SortedDictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> ExposedPorts { get; } = new(StringComparer.Ordinal);

    /// <summary>ARGs declared in this stage with their values (null: declared without a value).</summary>
    public Dictionary<string, string?> Args { get; } = new(StringComparer.Ordinal);

    /// <summary>The cache chain (hex SHA-256).</summary>
    public string Chain { get; set; } = "";

    /// <summary>The newest layer or base time: what config-only history entries and the image's created use.</summary>
    public DateTimeOffset Created { get; set; } = DateTimeOffset.UnixEpoch;

    /// <summary>Advances the chain by one instruction and its inputs.</summary>
    public void Extend(string text, string? inputs = null)
    {
        var bytes = Encoding.UTF8.GetBytes($"{Chain}\n{text}\n{inputs}");
        Chain = Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>A variable for substitution: ENV wins over ARG, as in Docker.</summary>
    public string? Lookup(string key)
    {
        for (var i = Env.Count - 1; i >= 0; i--)
        {
            if (Env[i].Key == key) return Env[i].Value;
        }
        return Args.GetValueOrDefault(key);
    }

    /// <summary>Sets an ENV variable, keeping the position of an existing one.</summary>
    public void SetEnv(string key, string value)
    {
        var i = Env.FindIndex(e => e.Key == key);
        if (i >= 0) Env[i] = new(key, value);
        else Env.Add(new(key, value));
    }

    /// <summary>The environment of a RUN: ENV, then ARGs with values that ENV does not set.</summary>
    public List<string> RunEnvironment()
    {
        var list = Env.Select(e => $"{e.Key}={e.Value}").ToList();
        foreach (var (k, v) in Args.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            if (v is not null && !Env.Any(e => e.Key == k)) list.Add($"{k}={v}");
        }
        if (!Env.Any(e => e.Key == "PATH")) list.Insert(0, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        return list;
    }
}
