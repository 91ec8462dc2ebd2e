using Lamina.Registry.Storage;
using Lamina.Registry.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lamina.Registry.Tests.Storage;

/// <summary>The storage stack on a temporary data directory, wired as the server wires it, without HTTP.</summary>
internal sealed class StorageFixture : IDisposable
{
    public StorageFixture(RegistryOptions? options = null, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        DataDir = Directory.CreateTempSubdirectory("lamina-storage-").FullName;
        Options = options ?? new RegistryOptions();
        Paths = new RegistryPaths(DataDir);
        Open();
    }

    public string DataDir { get; }
    public RegistryOptions Options { get; }
    public TimeProvider Time { get; }
    public RegistryPaths Paths { get; }
    public SqliteDatabase Database { get; private set; } = null!;
    public SqliteRegistryMetadata Metadata { get; private set; } = null!;
    public FileBlobStore Blobs { get; private set; } = null!;
    public DigestLocks Locks { get; private set; } = null!;
    public ContentStore Content { get; private set; } = null!;
    public BlobUploads Uploads { get; private set; } = null!;
    public GarbageCollector Gc { get; private set; } = null!;

    /// <summary>Drops every in-memory object and opens the same data directory again, as a restart would.</summary>
    public void Reopen()
    {
        Database.Dispose();
        Locks.Dispose();
        Open();
    }

    private void Open()
    {
        Database = new SqliteDatabase(Paths.Database);
        Metadata = new SqliteRegistryMetadata(Database, Time);
        Blobs = new FileBlobStore(Paths);
        Locks = new DigestLocks();
        Content = new ContentStore(Blobs, Metadata, Locks, Options, Time);
        Uploads = new BlobUploads(Paths, Metadata, Content, Options, Time, NullLogger<BlobUploads>.Instance);
        Gc = new GarbageCollector(Blobs, Metadata, Locks, Options, Time, NullLogger<GarbageCollector>.Instance);
    }

    public void Dispose()
    {
        Database.Dispose();
        Locks.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
    }
}
