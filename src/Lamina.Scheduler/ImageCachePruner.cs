using Lamina.Control.Storage;
using Microsoft.Extensions.Hosting;

namespace Lamina.Scheduler;

/// <summary>
/// Every <see cref="Interval"/>, tells the <see cref="ImageCache"/> which image URIs functions still use (every
/// function's $LATEST and published versions in control.db), so the trackers and pulls of images no function uses
/// any more do not live for the process's life.
/// </summary>
public sealed class ImageCachePruner(ImageCache images, ControlStore store) : BackgroundService
{
    /// <summary>Time between prunes, and how long a URI must have gone unused before it may be forgotten.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    private const int Page = 200;

    /// <summary>One prune now: the URIs and digests forgotten.</summary>
    public (int Uris, int Digests) PruneOnce(TimeSpan minIdle) => images.Prune(LiveUris(), minIdle);

    /// <summary>The image URI of every function's $LATEST and of each of its published versions.</summary>
    public IReadOnlySet<string> LiveUris() => store.Read(s =>
    {
        var uris = new HashSet<string>(StringComparer.Ordinal);
        string? after = null;
        while (true)
        {
            var functions = s.Functions(after, Page);
            foreach (var f in functions)
            {
                uris.Add(f.Latest.ImageUri);
                for (long v = 0; ;)
                {
                    var versions = s.Versions(f.Latest.FunctionName, v, Page);
                    foreach (var version in versions) uris.Add(version.ImageUri);
                    if (versions.Count < Page) break;
                    v = long.Parse(versions[^1].Version, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            if (functions.Count < Page) return uris;
            after = functions[^1].Latest.FunctionName;
        }
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) PruneOnce(Interval);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
