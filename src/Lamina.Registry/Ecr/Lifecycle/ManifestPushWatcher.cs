using Lamina.Oci;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Ecr.Lifecycle;

/// <summary>
/// Schedules a lifecycle evaluation after every successful manifest PUT (<c>PUT /v2/NAME/manifests/REF</c> → 201).
/// A middleware around the whole pipeline, so lifecycle enforcement needs nothing from the /v2/ handlers.
/// </summary>
internal sealed class ManifestPushWatcher(LifecycleService lifecycle) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            await nextMiddleware(context);
            if (context.Response.StatusCode == StatusCodes.Status201Created && HttpMethods.IsPut(context.Request.Method)
                && RepositoryOfManifestPath(context.Request.Path.Value) is { } repository)
                lifecycle.Schedule(repository);
        });
        next(app);
    };

    /// <summary>NAME from <c>/v2/NAME/manifests/REF</c>, or null for any other path.</summary>
    internal static string? RepositoryOfManifestPath(string? path)
    {
        if (path is null || !path.StartsWith("/v2/", StringComparison.Ordinal)) return null;
        var marker = path.LastIndexOf("/manifests/", StringComparison.Ordinal);
        if (marker <= 4) return null;
        var name = path[4..marker];
        return RepositoryName.IsValid(name) ? name : null;
    }
}
