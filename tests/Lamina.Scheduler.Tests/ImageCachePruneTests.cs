using Lamina.Scheduler.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Scheduler.Tests;

/// <summary>
/// The image cache's per-URI and per-digest state is forgotten once no function (nor published version) uses the
/// image, against a real server: create-function pulls through the cache, delete-function lets the prune drop it.
/// </summary>
public sealed class ImageCachePruneTests(ExecutionServer server) : IClassFixture<ExecutionServer>
{
    [Fact]
    public async Task A_deleted_functions_image_is_forgotten_while_a_published_versions_image_is_kept()
    {
        var cache = server.Host.Services.GetRequiredService<ImageCache>();
        var pruner = server.Host.Services.GetRequiredService<ImageCachePruner>();
        await server.CreateFunctionAsync("prune-v1", "v1");
        await server.CreateFunctionAsync("prune-v2", "v2");
        await server.LambdaAsync(null, "publish-version", "--function-name", "prune-v2");
        var v1 = $"{server.Authority}/sched/echo:v1";
        var v2 = $"{server.Authority}/sched/echo:v2";
        Assert.Equal(new[] { v1, v2 }.Order(), pruner.LiveUris().Order());
        Assert.NotNull(cache.Status(v1));
        Assert.NotNull(cache.Status(v2));

        // Everything is in use: nothing goes, whatever the idle time.
        Assert.Equal((0, 0), pruner.PruneOnce(TimeSpan.Zero));
        Assert.Equal("done", cache.Status(v1)!.Phase);

        await server.LambdaAsync(null, "delete-function", "--function-name", "prune-v1");
        // A recent use protects a URI a function created after the live set was read might still need.
        Assert.Equal((0, 0), pruner.PruneOnce(TimeSpan.FromHours(1)));
        Assert.NotNull(cache.Status(v1));

        var before = cache.Counts;
        Assert.Equal((1, 1), pruner.PruneOnce(TimeSpan.Zero));
        Assert.Null(cache.Status(v1));
        Assert.NotNull(cache.Status(v2));
        Assert.Equal((before.Uris - 1, before.Trackers - 1), (cache.Counts.Uris, cache.Counts.Trackers));

        // $LATEST of prune-v2 moves to v1 (pulled through the cache anew); its published version 1 keeps v2 in use.
        await server.LambdaAsync(null, "update-function-code", "--function-name", "prune-v2", "--image-uri", v1);
        await server.LambdaAsync(null, "wait", "function-updated-v2", "--function-name", "prune-v2");
        Assert.Equal(new[] { v1, v2 }.Order(), pruner.LiveUris().Order());
        Assert.Equal((0, 0), pruner.PruneOnce(TimeSpan.Zero));
        Assert.Equal("done", cache.Status(v1)!.Phase);
        Assert.NotNull(cache.Status(v2));
        var invoked = await server.InvokeAsync("prune-v2", "{\"again\":true}");
        Assert.Equal(200, invoked.StatusCode);
        Assert.Null(invoked.FunctionError);
    }
}
