using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Distribution;

/// <summary>The <c>n</c> and <c>last</c> query parameters of tag and catalog listing, and the Link header of the next page.</summary>
internal readonly record struct Paging(int Limit, string? Last)
{
    /// <summary>Upper bound on one page whatever the client asks, so a listing never loads an unbounded table.</summary>
    public const int MaxPage = 10_000;

    public static bool TryRead(HttpContext ctx, out Paging paging)
    {
        paging = new Paging(MaxPage, ctx.Request.Query["last"].FirstOrDefault());
        var n = ctx.Request.Query["n"].FirstOrDefault();
        if (n is null) return true;
        if (!int.TryParse(n, out var limit) || limit < 0) return false;
        paging = paging with { Limit = Math.Min(limit, MaxPage) };
        return true;
    }

    /// <summary>Adds <c>Link: &lt;path?n=N&amp;last=L&gt;; rel="next"</c> when a full page was returned and more may follow.</summary>
    public void AddNextLink(HttpContext ctx, string path, bool more, string? lastReturned)
    {
        if (!more || Limit == 0 || lastReturned is null) return;
        ctx.Response.Headers.Link = $"<{path}?n={Limit}&last={Uri.EscapeDataString(lastReturned)}>; rel=\"next\"";
    }
}
