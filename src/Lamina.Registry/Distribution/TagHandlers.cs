using System.Text.Json;
using Lamina.Registry.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Distribution;

/// <summary><c>GET /v2/&lt;name&gt;/tags/list?n=&amp;last=</c>: tags in lexical order, paged with a Link header.</summary>
internal static class TagHandlers
{
    public static async Task ListAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!Paging.TryRead(ctx, out var paging))
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.Unsupported, "n must be a non-negative integer", 400);
            return;
        }
        var metadata = ctx.RequestServices.GetRequiredService<IRegistryMetadata>();
        // One extra row tells whether another page exists.
        var tags = await metadata.ListTagsAsync(route.Name!, paging.Last, paging.Limit == 0 ? 0 : paging.Limit + 1, ctx.RequestAborted);
        if (tags is null)
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.NameUnknown, $"repository '{route.Name}' does not exist");
            return;
        }
        var page = tags.Take(paging.Limit).ToList();
        paging.AddNextLink(ctx, $"/v2/{route.Name}/tags/list", tags.Count > paging.Limit, page.LastOrDefault());
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteString("name", route.Name);
        w.WriteStartArray("tags");
        foreach (var t in page) w.WriteStringValue(t);
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync();
    }
}
