using Lamina.Registry.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lamina.Registry.Storage;

public static class StorageModule
{
    /// <summary>Registers the blob store, the metadata store, uploads and garbage collection.</summary>
    public static IServiceCollection AddRegistryStorage(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<RegistryPaths>().Database));
        services.AddSingleton<SqliteRegistryMetadata>();
        services.AddSingleton<IRegistryMetadata>(sp => sp.GetRequiredService<SqliteRegistryMetadata>());
        services.AddSingleton<IUploadSessionStore>(sp => sp.GetRequiredService<SqliteRegistryMetadata>());
        services.AddSingleton<FileBlobStore>();
        services.AddSingleton<IBlobStore>(sp => sp.GetRequiredService<FileBlobStore>());
        services.AddSingleton<DigestLocks>();
        services.AddSingleton<ContentStore>();
        services.AddSingleton<BlobUploads>();
        services.AddSingleton<GarbageCollector>();
        services.AddHostedService<RegistryMaintenance>();
        return services;
    }
}
