using Lamina.Control.Domain;
using Microsoft.Data.Sqlite;

namespace Lamina.Control.Storage;

/// <summary>
/// Typed reads and writes inside one transaction of <see cref="ControlStore"/>. Domain rules run against a
/// session so that a check and the write it guards are atomic (no alias can appear between "is this version
/// referenced?" and its deletion).
/// </summary>
public sealed partial class ControlSession
{
    private readonly SqliteConnection _c;
    private readonly SqliteTransaction? _tx;

    internal ControlSession(SqliteConnection connection, SqliteTransaction? tx)
    {
        _c = connection;
        _tx = tx;
    }

    // ---- functions ---------------------------------------------------------------------
    public FunctionRecord? Function(string name) =>
        _c.Query(_tx, "SELECT config, tags, reserved_concurrency, last_version, created_at FROM functions WHERE name = $n",
            MapFunction, ("$n", name)).FirstOrDefault();

    /// <summary>Functions in name order strictly after <paramref name="after"/>.</summary>
    public List<FunctionRecord> Functions(string? after, int limit) =>
        _c.Query(_tx, "SELECT config, tags, reserved_concurrency, last_version, created_at FROM functions WHERE name > $a ORDER BY name LIMIT $l",
            MapFunction, ("$a", after ?? ""), ("$l", limit));

    public long FunctionCount() => (long)_c.Scalar(_tx, "SELECT COUNT(*) FROM functions")!;

    /// <summary>Inserts a new function; false when the name is taken.</summary>
    public bool InsertFunction(FunctionRecord record) =>
        _c.Execute(_tx, "INSERT OR IGNORE INTO functions(name, created_at, config, tags, reserved_concurrency, last_version) VALUES ($n, $t, $c, $g, $r, $v)",
            ("$n", record.Latest.FunctionName), ("$t", record.CreatedAt.ToUnixTimeMilliseconds()), ("$c", ControlJson.Write(record.Latest)),
            ("$g", ControlJson.WriteTags(record.Tags)), ("$r", record.ReservedConcurrency), ("$v", record.LastPublishedVersion)) > 0;

    public void UpdateFunction(FunctionRecord record) =>
        _c.Execute(_tx, "UPDATE functions SET config = $c, tags = $g, reserved_concurrency = $r, last_version = $v WHERE name = $n",
            ("$n", record.Latest.FunctionName), ("$c", ControlJson.Write(record.Latest)),
            ("$g", ControlJson.WriteTags(record.Tags)), ("$r", record.ReservedConcurrency), ("$v", record.LastPublishedVersion));

    /// <summary>Deletes the function with its versions, aliases and configurations.</summary>
    public bool DeleteFunction(string name) => _c.Execute(_tx, "DELETE FROM functions WHERE name = $n", ("$n", name)) > 0;

    /// <summary>Sum of reserved concurrency over all functions but <paramref name="except"/>.</summary>
    public long ReservedConcurrencyTotal(string? except = null) =>
        (long)(_c.Scalar(_tx, "SELECT COALESCE(SUM(reserved_concurrency), 0) FROM functions WHERE name <> $n", ("$n", except ?? "")) ?? 0L);

    private static FunctionRecord MapFunction(SqliteDataReader r) => new(
        ControlJson.Read<FunctionConfig>(r.GetString(0)),
        ControlJson.ReadTags(r.GetString(1)),
        r.IsDBNull(2) ? null : r.GetInt32(2),
        r.GetInt64(3),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)));

    // ---- versions ----------------------------------------------------------------------
    public FunctionConfig? Version(string name, long version) =>
        _c.Query(_tx, "SELECT config FROM versions WHERE function_name = $n AND version = $v",
            r => ControlJson.Read<FunctionConfig>(r.GetString(0)), ("$n", name), ("$v", version)).FirstOrDefault();

    /// <summary>Published versions in numeric order strictly after <paramref name="after"/>.</summary>
    public List<FunctionConfig> Versions(string name, long after, int limit) =>
        _c.Query(_tx, "SELECT config FROM versions WHERE function_name = $n AND version > $a ORDER BY version LIMIT $l",
            r => ControlJson.Read<FunctionConfig>(r.GetString(0)), ("$n", name), ("$a", after), ("$l", limit));

    public void InsertVersion(FunctionConfig config) =>
        _c.Execute(_tx, "INSERT INTO versions(function_name, version, config) VALUES ($n, $v, $c)",
            ("$n", config.FunctionName), ("$v", long.Parse(config.Version, System.Globalization.CultureInfo.InvariantCulture)), ("$c", ControlJson.Write(config)));

    public bool DeleteVersion(string name, long version) =>
        _c.Execute(_tx, "DELETE FROM versions WHERE function_name = $n AND version = $v", ("$n", name), ("$v", version)) > 0;
}
