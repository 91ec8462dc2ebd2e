using Microsoft.Data.Sqlite;

namespace Lamina.Sqlite;

/// <summary>
/// One SQLite database file of the server (the registry's lamina.db, the control plane's control.db):
/// opens connections with the durability settings every acknowledged write relies on (WAL journal,
/// <c>synchronous=FULL</c>, so a commit survives SIGKILL and power loss), migrates the schema once at
/// open, and serialises writers in-process so concurrent requests queue on a semaphore instead of
/// spinning on SQLITE_BUSY. Readers never wait for the writer (WAL).
/// </summary>
public abstract class SqliteFile : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <param name="path">The database file; its directory is created if needed.</param>
    /// <param name="migrate">Brings the schema up to date on a fresh connection (PRAGMA user_version based).</param>
    protected SqliteFile(string path, Action<SqliteConnection> migrate)
    {
        ArgumentNullException.ThrowIfNull(migrate);
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
        migrate(connection);
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

    /// <summary>Runs <paramref name="read"/> on its own connection.</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var connection = Open();
        return read(connection);
    }

    /// <summary>Runs <paramref name="write"/> in one IMMEDIATE transaction, committed before this returns.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken ct) =>
        WriteAsync(write, static _ => true, ct);

    /// <summary>
    /// Runs <paramref name="write"/> in one IMMEDIATE transaction; committed before this returns when
    /// <paramref name="commit"/> accepts the result, rolled back otherwise (nothing half-done is kept).
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, Func<T, bool> commit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(commit);
        await _writer.WaitAsync(ct);
        try
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction(deferred: false);
            var result = write(connection, tx);
            if (commit(result)) tx.Commit();
            else tx.Rollback();
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        GC.SuppressFinalize(this);
    }
}
