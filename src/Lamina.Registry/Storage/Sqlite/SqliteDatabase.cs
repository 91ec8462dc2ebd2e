using Lamina.Sqlite;

namespace Lamina.Registry.Storage.Sqlite;

/// <summary>DATA/lamina.db: the registry's metadata (schema in <see cref="SqliteSchema"/>).</summary>
public sealed class SqliteDatabase(string path) : SqliteFile(path, SqliteSchema.Migrate);
