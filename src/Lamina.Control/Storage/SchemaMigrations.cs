using Microsoft.Data.Sqlite;

namespace Lamina.Control.Storage;

/// <summary>
/// Applies numbered migrations in order, each in its own transaction, counting them in
/// <c>PRAGMA user_version</c>. A released migration is never edited; a change is a new entry at the end.
/// A database newer than the binary refuses to open.
/// </summary>
internal static class SchemaMigrations
{
    public static void Apply(SqliteConnection connection, IReadOnlyList<string> migrations, string file)
    {
        using var get = connection.CreateCommand();
        get.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(get.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version > migrations.Count)
            throw new InvalidOperationException($"{file} has schema version {version}, newer than this Lamina ({migrations.Count}); upgrade Lamina");
        for (var i = version; i < migrations.Count; i++)
        {
            using var tx = connection.BeginTransaction();
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = migrations[i] + $"; PRAGMA user_version = {i + 1};";
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
    }
}
