using Lamina.Aws;
using Lamina.Registry.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Registry.Tests.Auth;

/// <summary>
/// A real Kestrel server on 127.0.0.1:0 with the real auth module and one protected catch-all
/// <c>/v2/{name}/{action}</c> that calls the authorizer the way the distribution handlers do.
/// </summary>
internal sealed class AuthTestApp : IAsyncDisposable
{
    public static readonly Credentials Creds = new("AKIDAUTHTEST", "auth/test+secret0123456789", "us-east-1", "000000000000");

    private readonly WebApplication _app;

    private AuthTestApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    public static async Task<AuthTestApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(Creds);
        builder.Services.AddRegistryAuth(authEnabled: true);
        var app = builder.Build();
        app.MapRegistryAuth();
        app.MapMethods("/v2/{**path}", ["GET", "PUT", "DELETE"], async (HttpContext ctx, string? path, IRegistryAuthorizer authorizer) =>
        {
            // /v2/NAME/pull|push|delete, or /v2/ for the version check.
            var slash = path?.LastIndexOf('/') ?? -1;
            string? repository = slash > 0 ? path![..slash] : null;
            var action = slash > 0 ? Enum.Parse<RegistryAction>(path![(slash + 1)..], ignoreCase: true) : RegistryAction.Catalog;
            if (!await authorizer.AuthorizeAsync(ctx, repository, action)) return;
            await ctx.Response.WriteAsync("allowed");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AuthTestApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
