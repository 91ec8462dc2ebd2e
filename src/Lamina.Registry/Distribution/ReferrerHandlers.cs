using System.Text.Json;
using Lamina.Oci;
using Lamina.Registry.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Distribution;

/// <summary>
/// <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;[?artifactType=]</c>: an OCI image index of the manifests whose
/// subject is the digest. Never 404 (an unknown subject or repository has no referrers); 400 for a bad digest.
/// </summary>
internal static class ReferrerHandlers
{
    public static async Task ListAsync(HttpContext ctx, RegistryRoute route)
    {
        if (!Digest.TryParse(route.Reference, out var subject))
        {
            await RegistryErrors.WriteAsync(ctx, RegistryError.DigestInvalid, $"'{route.Reference}' is not a valid digest");
            return;
        }
        var metadata = ctx.RequestServices.GetRequiredService<IRegistryMetadata>();
        IEnumerable<ManifestRecord> referrers = await metadata.ListReferrersAsync(route.Name!, subject, ctx.RequestAborted);
        var artifactType = ctx.Request.Query["artifactType"].FirstOrDefault();
        if (!string.IsNullOrEmpty(artifactType))
        {
            referrers = referrers.Where(r => r.ArtifactType == artifactType);
            ctx.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        }
        ctx.Response.ContentType = MediaTypes.OciIndex;
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 2);
        w.WriteString("mediaType", MediaTypes.OciIndex);
        w.WriteStartArray("manifests");
        foreach (var r in referrers)
        {
            w.WriteStartObject();
            w.WriteString("mediaType", r.MediaType);
            w.WriteString("digest", r.Digest.ToString());
            w.WriteNumber("size", r.Size);
            if (r.ArtifactType is not null) w.WriteString("artifactType", r.ArtifactType);
            if (r.Annotations is { Count: > 0 })
            {
                w.WriteStartObject("annotations");
                foreach (var (k, v) in r.Annotations) w.WriteString(k, v);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync();
    }
}
