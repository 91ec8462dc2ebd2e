using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lamina.Control.Metrics;

/// <summary>
/// Makes the per-minute metrics survive a restart: at start, restores the last 24 hours from control.db into
/// <see cref="InvocationMetrics"/>; then every <see cref="MetricsPersistenceOptions.FlushInterval"/> writes the
/// minutes that changed in one transaction (never one write per invoke), and once more when the server stops.
/// Rows older than <see cref="MetricsPersistenceOptions.Retention"/> are deleted about hourly, and functions
/// with no minute in the last 24 hours, or deleted ones, are dropped from memory once their minutes are written. A SIGKILL loses
/// at most one interval's records; a failed write keeps the minutes dirty for the next flush. A host disposed
/// without a stop flushes at disposal.
/// </summary>
public sealed partial class MetricsFlusher(InvocationMetrics metrics, MetricsStore store, MetricsPersistenceOptions options,
    Storage.ControlStore functions, ILogger<MetricsFlusher> logger) : BackgroundService, IAsyncDisposable
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _flushing = new(1, 1);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before requests and invocations begin (hosted services start before the server listens).
        metrics.Restore(store.Load(metrics.NowMinute - FunctionMetrics.RetainedMinutes + 1));
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(CancellationToken.None);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPrune = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(options.FlushInterval, metrics.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
                if (metrics.Time.GetUtcNow() - lastPrune >= PruneEvery)
                {
                    lastPrune = metrics.Time.GetUtcNow();
                    await PruneAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes every changed minute now; returns how many rows were written.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(ct);
        var taken = new List<(FunctionMetrics Function, List<MinuteRow> Rows)>();
        try
        {
            foreach (var f in metrics.All())
            {
                var rows = f.TakeDirty(MetricsStore.MaxSamples);
                if (rows.Count > 0) taken.Add((f, rows));
            }
            if (taken.Count == 0) return 0;
            var all = taken.SelectMany(t => t.Rows).ToList();
            await store.SaveAsync(all, ct);
            return all.Count;
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or OperationCanceledException)
        {
            foreach (var (f, rows) in taken) f.MarkDirty(rows.Select(r => r.Minute));
            if (e is not OperationCanceledException) LogFlushFailed(logger, e);
            return 0;
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task PruneAsync(CancellationToken ct)
    {
        try
        {
            var before = metrics.NowMinute - (long)options.Retention.TotalMinutes;
            await store.PruneAsync(before, ct);
            metrics.DropIdle(names => functions.Read(s => names.Where(n => s.Function(n) is null).ToHashSet(StringComparer.Ordinal)));
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            LogFlushFailed(logger, e);
        }
    }

    /// <summary>A host disposed without being stopped (tests, a failed start) still writes what changed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_disposed) await FlushAsync(CancellationToken.None);
        Dispose();
    }

    private bool _disposed;

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _flushing.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "metrics could not be written to control.db; retrying at the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
