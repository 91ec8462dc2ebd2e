using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lamina.Scheduler;

/// <summary>
/// The scheduler's background duties: at start, remove sandboxes a previous process left behind
/// (<see cref="Lamina.Sandbox.SandboxManager.RecoverAsync"/>); while running, reap idle environments and
/// keep provisioned concurrency allocated; at stop, destroy every environment and remove the cgroup parent.
/// Other hosted services (the async queue, prewarming) may ask for environments while recovery runs: the
/// sandbox manager holds their creates until it has finished.
/// </summary>
public sealed partial class SchedulerService(Scheduler scheduler, SchedulerSettings settings, TimeProvider time, ILogger<SchedulerService> logger)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Recovery runs the runtime first, which makes runc's sealed copy: say what runs, and how it went.
        var report = await scheduler.Manager.RecoverAsync();
        if (scheduler.Manager.RuntimeCopyFailed) LogRuntimeCopyFailed(logger, scheduler.Manager.RuntimeDescription);
        else LogRuntime(logger, scheduler.Manager.RuntimeDescription);
        if (report.SandboxIds.Count > 0) LogRecovered(logger, report.SandboxIds.Count, string.Join(", ", report.Problems));
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ReapLoopAsync(stoppingToken), ProvisionLoopAsync(stoppingToken));

    /// <summary>Provisioned concurrency and prewarming: one pass each per second (a pass that starts environments takes longer).</summary>
    private async Task ProvisionLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await scheduler.ReconcileProvisionedAsync(stoppingToken);
                    await scheduler.PrewarmAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogProvisionFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReapLoopAsync(CancellationToken stoppingToken)
    {
        // A quarter of the idle timeout (at most 30 s, at least 100 ms): an environment lives at most 25% past it.
        var period = TimeSpan.FromTicks(Math.Clamp(settings.IdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(30).Ticks));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var reaped = await scheduler.ReapAsync();
                    if (reaped > 0) LogReaped(logger, reaped);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogReapFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await scheduler.StopAsync();
        // Every environment is gone: the cgroup parent goes too (test servers and benches use one per run).
        scheduler.Manager.ReleaseCgroupParent();
    }

    [LoggerMessage(EventId = 5210, Level = LogLevel.Warning, Message = "Removed {Count} sandboxes left by a previous run. Problems: {Problems}")]
    private static partial void LogRecovered(ILogger logger, int count, string problems);

    [LoggerMessage(EventId = 5214, Level = LogLevel.Information, Message = "{Runtime}")]
    private static partial void LogRuntime(ILogger logger, string runtime);

    [LoggerMessage(EventId = 5215, Level = LogLevel.Warning, Message = "{Runtime}")]
    private static partial void LogRuntimeCopyFailed(ILogger logger, string runtime);

    [LoggerMessage(EventId = 5211, Level = LogLevel.Debug, Message = "Reaped {Count} idle environments")]
    private static partial void LogReaped(ILogger logger, int count);

    [LoggerMessage(EventId = 5213, Level = LogLevel.Error, Message = "Provisioned concurrency pass failed")]
    private static partial void LogProvisionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5212, Level = LogLevel.Error, Message = "Reaping idle environments failed")]
    private static partial void LogReapFailed(ILogger logger, Exception exception);
}
