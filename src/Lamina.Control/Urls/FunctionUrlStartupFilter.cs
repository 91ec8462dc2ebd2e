using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Control.Urls;

/// <summary>
/// Puts the function URL endpoint in front of routing: a URL request is recognised by its Host or its
/// /lamina/url/ prefix (<see cref="UrlRoute"/>) before any API route could claim its path.
/// </summary>
internal sealed class FunctionUrlStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var endpoint = app.ApplicationServices.GetRequiredService<FunctionUrlEndpoint>();
        app.Use(async (context, nextMiddleware) =>
        {
            if (UrlRoute.Match(context) is { } route) await endpoint.HandleAsync(context, route);
            else await nextMiddleware(context);
        });
        next(app);
    };
}
