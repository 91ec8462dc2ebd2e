using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lamina.Registry.Storage;

/// <summary>Background upkeep: the expired-upload sweep and, when <see cref="RegistryOptions.GcInterval"/> is positive, periodic GC.</summary>
public sealed partial class RegistryMaintenance(
    BlobUploads uploads, GarbageCollector gc, RegistryOptions options, TimeProvider time, ILogger<RegistryMaintenance> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweepEvery = TimeSpan.FromTicks(Math.Clamp(options.UploadExpiry.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(5).Ticks));
        var sweep = LoopAsync(sweepEvery, ct => uploads.SweepExpiredAsync(ct), stoppingToken);
        var collect = options.GcInterval > TimeSpan.Zero
            ? LoopAsync(options.GcInterval, ct => gc.RunAsync(null, ct), stoppingToken)
            : Task.CompletedTask;
        return Task.WhenAll(sweep, collect);
    }

    private async Task LoopAsync(TimeSpan period, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await work(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Error, Message = "registry maintenance failed")]
    private partial void LogFailed(Exception e);
}
