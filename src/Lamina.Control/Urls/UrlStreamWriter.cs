using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lamina.Control.Urls;

/// <summary>
/// Writes a RESPONSE_STREAM function's pieces to the URL's caller as they come. A stream may begin with
/// the HTTP integration prelude (what <c>awslambda.HttpResponseStream.from</c> writes):
/// <code>{"statusCode":201,"headers":{…},"cookies":[…]} · 8 NUL bytes · body…</code>
/// so the start is held back until the prelude's end is seen; a stream that does not start with '{', or shows
/// no 8 NUL bytes within 64 KiB, is a plain 200 application/octet-stream body.
/// </summary>
internal sealed class UrlStreamWriter(HttpContext context)
{
    private const int MaxPrelude = 64 * 1024;
    private static readonly byte[] Separator = new byte[8];
    private ArrayBufferWriter<byte>? _held = new();

    /// <summary>True once the status and headers were sent.</summary>
    public bool Started => _held is null;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> piece, CancellationToken ct)
    {
        if (_held is null)
        {
            await context.Response.Body.WriteAsync(piece, ct);
            await context.Response.Body.FlushAsync(ct);
            return;
        }
        _held.Write(piece.Span);
        var held = _held.WrittenMemory;
        if (held.Length == 0)
        {
            return;
        }
        if (held.Span[0] != (byte)'{')
        {
            await StartAsync(null, held, ct);
            return;
        }
        var end = held.Span.IndexOf(Separator);
        if (end >= 0)
        {
            await StartAsync(Prelude(held.Span[..end]), held[(end + Separator.Length)..], ct);
        }
        else if (held.Length > MaxPrelude)
        {
            await StartAsync(null, held, ct);
        }
    }

    /// <summary>The stream ended: sends what is still held back (a short body without prelude).</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        if (_held is not null) await StartAsync(null, _held.WrittenMemory, ct);
    }

    private async ValueTask StartAsync((int Status, List<KeyValuePair<string, string>> Headers)? prelude, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        _held = null;
        var response = context.Response;
        response.StatusCode = prelude?.Status ?? 200;
        var headers = prelude?.Headers ?? [];
        foreach (var (name, value) in headers) response.Headers.Append(name, value);
        if (!headers.Any(h => h.Key.Equals("content-type", StringComparison.OrdinalIgnoreCase)))
            response.ContentType = "application/octet-stream";
        if (body.Length > 0) await response.Body.WriteAsync(body, ct);
        await response.Body.FlushAsync(ct);
    }

    private static (int, List<KeyValuePair<string, string>>)? Prelude(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var status = root.TryGetProperty("statusCode", out var s) && s.TryGetInt32(out var code) && code is >= 100 and <= 599 ? code : 200;
            return (status, UrlResponse.Head(root));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
