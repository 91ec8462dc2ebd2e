using Lamina.Sqlite;

namespace Lamina.Control.Storage;

/// <summary>DATA/control.db: functions, versions, aliases and their configs (schema in <see cref="ControlSchema"/>).</summary>
public sealed class ControlDatabase(string path) : SqliteFile(path, ControlSchema.Migrate);
