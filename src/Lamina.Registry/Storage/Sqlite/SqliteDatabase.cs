using Microsoft.Data.Sqlite;

namespace Lamina.Registry.Storage.Sqlite;

/// <summary>
/// The registry's SQLite file: opens connections with the durability settings every acknowledged write
/// relies on (WAL journal, <c>synchronous=FULL</c> so a commit survives SIGKILL and power loss), and
/// serialises writers in-process so concurrent pushes queue on a semaphore instead of spinning on SQLITE_BUSY.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public SqliteDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        using var connection = Open();
        SqliteSchema.Migrate(connection);
    }

    /// <summary>Opens a connection with the per-connection pragmas applied.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // journal_mode is persistent in the file, the others are per connection.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=60000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Runs <paramref name="read"/> on its own connection; readers never wait for the writer (WAL).</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = Open();
        return read(connection);
    }

    /// <summary>Runs <paramref name="write"/> in one IMMEDIATE transaction, committed before this returns.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            var result = write(connection, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose() => _writer.Dispose();
}
