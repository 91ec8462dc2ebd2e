using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Distribution;

/// <summary>The error codes of the distribution spec, plus TAG_INVALID (see <see cref="RegistryErrors"/>).</summary>
public enum RegistryError
{
    BlobUnknown,
    BlobUploadInvalid,
    BlobUploadUnknown,
    DigestInvalid,
    ManifestBlobUnknown,
    ManifestInvalid,
    ManifestUnknown,
    NameInvalid,
    NameUnknown,
    SizeInvalid,
    Unauthorized,
    Denied,
    Unsupported,
    TooManyRequests,
    RangeInvalid,
    TagInvalid,
}

/// <summary>
/// The one table from <see cref="RegistryError"/> to wire code, HTTP status and message, and the one place
/// errors are rendered: <c>{"errors":[{"code","message","detail"}]}</c>. A few answers use another status than
/// the table's default where the spec says so (413 for an oversized manifest, 416 for an upload conflict).
/// TAG_INVALID is not in the spec's table; it is what ECR answers when an immutable tag would be overwritten,
/// and what distribution answers for a malformed tag, so clients already print it meaningfully.
/// </summary>
public static class RegistryErrors
{
    private static readonly Dictionary<RegistryError, (string Code, int Status, string Message)> Table = new()
    {
        [RegistryError.BlobUnknown] = ("BLOB_UNKNOWN", 404, "blob unknown to registry"),
        [RegistryError.BlobUploadInvalid] = ("BLOB_UPLOAD_INVALID", 400, "blob upload invalid"),
        [RegistryError.BlobUploadUnknown] = ("BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry"),
        [RegistryError.DigestInvalid] = ("DIGEST_INVALID", 400, "provided digest did not match uploaded content"),
        [RegistryError.ManifestBlobUnknown] = ("MANIFEST_BLOB_UNKNOWN", 400, "manifest references a manifest or blob unknown to registry"),
        [RegistryError.ManifestInvalid] = ("MANIFEST_INVALID", 400, "manifest invalid"),
        [RegistryError.ManifestUnknown] = ("MANIFEST_UNKNOWN", 404, "manifest unknown to registry"),
        [RegistryError.NameInvalid] = ("NAME_INVALID", 400, "invalid repository name"),
        [RegistryError.NameUnknown] = ("NAME_UNKNOWN", 404, "repository name not known to registry"),
        [RegistryError.SizeInvalid] = ("SIZE_INVALID", 400, "provided length did not match content length"),
        [RegistryError.Unauthorized] = ("UNAUTHORIZED", 401, "authentication required"),
        [RegistryError.Denied] = ("DENIED", 403, "requested access to the resource is denied"),
        [RegistryError.Unsupported] = ("UNSUPPORTED", 405, "the operation is unsupported"),
        [RegistryError.TooManyRequests] = ("TOOMANYREQUESTS", 429, "too many requests"),
        [RegistryError.RangeInvalid] = ("RANGE_INVALID", 416, "invalid content range"),
        [RegistryError.TagInvalid] = ("TAG_INVALID", 400, "manifest tag did not match URI"),
    };

    public static string CodeOf(RegistryError error) => Table[error].Code;
    public static int StatusOf(RegistryError error) => Table[error].Status;

    /// <summary>Writes the error response. HEAD requests get the status and headers only, as HTTP requires.</summary>
    public static async Task WriteAsync(HttpContext ctx, RegistryError error, string? detail = null, int? status = null)
    {
        var (code, defaultStatus, message) = Table[error];
        var response = ctx.Response;
        response.StatusCode = status ?? defaultStatus;
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(response.BodyWriter);
        w.WriteStartObject();
        w.WriteStartArray("errors");
        w.WriteStartObject();
        w.WriteString("code", code);
        w.WriteString("message", message);
        if (detail is null) w.WriteNull("detail");
        else w.WriteString("detail", detail);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync();
    }
}
