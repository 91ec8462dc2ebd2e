using Microsoft.Data.Sqlite;

namespace Lamina.Registry.Storage.Sqlite;

public sealed partial class SqliteRegistryMetadata
{
    public Task CreateUploadAsync(UploadSession session, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) => c.Execute(tx,
            "INSERT INTO uploads(id, repository, created_at, updated_at, offset) VALUES ($i, $r, $c, $u, $o)",
            ("$i", session.Id), ("$r", session.Repository), ("$c", session.CreatedAt.ToUnixMs()),
            ("$u", session.UpdatedAt.ToUnixMs()), ("$o", session.Offset)), ct);

    public Task<UploadSession?> GetUploadAsync(string id, CancellationToken ct = default) =>
        Task.FromResult(_db.Read(c => c.Query(null,
            "SELECT id, repository, created_at, updated_at, offset FROM uploads WHERE id = $i", MapUpload, ("$i", id)).FirstOrDefault()));

    public Task UpdateUploadAsync(string id, long offset, DateTimeOffset updatedAt, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) => c.Execute(tx, "UPDATE uploads SET offset = $o, updated_at = $u WHERE id = $i",
            ("$o", offset), ("$u", updatedAt.ToUnixMs()), ("$i", id)), ct);

    public Task<bool> DeleteUploadAsync(string id, CancellationToken ct = default) =>
        _db.WriteAsync((c, tx) => c.Execute(tx, "DELETE FROM uploads WHERE id = $i", ("$i", id)) > 0, ct);

    public Task<IReadOnlyList<UploadSession>> ListStaleUploadsAsync(DateTimeOffset before, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<UploadSession>>(_db.Read(c => c.Query(null,
            "SELECT id, repository, created_at, updated_at, offset FROM uploads WHERE updated_at < $b", MapUpload, ("$b", before.ToUnixMs()))));

    private static UploadSession MapUpload(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), SqlCommands.FromUnixMs(r.GetInt64(2)), SqlCommands.FromUnixMs(r.GetInt64(3)), r.GetInt64(4));
}
