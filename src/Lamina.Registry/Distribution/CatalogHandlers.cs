using System.Text.Json;
using Lamina.Registry.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Distribution;

/// <summary><c>GET /v2/_catalog?n=&amp;last=</c>: repository names in lexical order, paged with a Link header.</summary>
internal static class CatalogHandlers
{
    public static async Task ListAsync(HttpContext ctx)
    {
        if (!Paging.TryRead(ctx, out var paging))
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.Unsupported, "n must be a non-negative integer", 400);
            return;
        }
        var metadata = ctx.RequestServices.GetRequiredService<IRegistryMetadata>();
        var repos = paging.Limit == 0 ? [] : await metadata.ListRepositoriesAsync(paging.Last, paging.Limit + 1, ctx.RequestAborted);
        var page = repos.Take(paging.Limit).Select(r => r.Name).ToList();
        paging.AddNextLink(ctx, "/v2/_catalog", repos.Count > paging.Limit, page.LastOrDefault());
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteStartArray("repositories");
        foreach (var name in page) w.WriteStringValue(name);
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync();
    }
}
