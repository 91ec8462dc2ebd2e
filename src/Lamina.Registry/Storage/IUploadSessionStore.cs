namespace Lamina.Registry.Storage;

/// <summary>
/// Durable state of blob upload sessions, so an upload survives a server restart. The bytes themselves
/// live in the uploads directory; <see cref="UploadSession.Offset"/> is how many of them are acknowledged.
/// </summary>
public interface IUploadSessionStore
{
    Task CreateUploadAsync(UploadSession session, CancellationToken ct = default);
    Task<UploadSession?> GetUploadAsync(string id, CancellationToken ct = default);

    /// <summary>Records that <paramref name="offset"/> bytes are durable; also refreshes the expiry clock.</summary>
    Task UpdateUploadAsync(string id, long offset, DateTimeOffset updatedAt, CancellationToken ct = default);

    Task<bool> DeleteUploadAsync(string id, CancellationToken ct = default);

    /// <summary>Uploads not updated since <paramref name="before"/>.</summary>
    Task<IReadOnlyList<UploadSession>> ListStaleUploadsAsync(DateTimeOffset before, CancellationToken ct = default);
}

/// <summary>An upload in progress: <paramref name="Id"/> is a UUID, <paramref name="Offset"/> the bytes received so far.</summary>
public sealed record UploadSession(string Id, string Repository, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Offset);
