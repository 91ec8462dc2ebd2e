using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Storage;

public static class StorageModule
{
    /// <summary>Registers the blob store, the metadata store, uploads and garbage collection.</summary>
    public static IServiceCollection AddRegistryStorage(this IServiceCollection services) => services;
}
