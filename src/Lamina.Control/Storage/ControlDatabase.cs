using Microsoft.Data.Sqlite;

namespace Lamina.Control.Storage;

/// <summary>
/// DATA/control.db: connections with WAL and <c>synchronous=FULL</c> (an acknowledged write survives SIGKILL
/// and power loss) and one in-process writer at a time, so concurrent API calls queue instead of hitting SQLITE_BUSY.
/// </summary>
public sealed class ControlDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public ControlDatabase(string path)
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
        ControlSchema.Migrate(connection);
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
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
    /// <remarks>When <paramref name="commit"/> says no for the result, the transaction is rolled back instead.</remarks>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, Func<T, bool> commit, CancellationToken ct)
    {
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

    public void Dispose() => _writer.Dispose();
}
