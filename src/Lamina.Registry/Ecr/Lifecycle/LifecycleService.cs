using System.Collections.Concurrent;
using System.Threading.Channels;
using Lamina.Registry.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lamina.Registry.Ecr.Lifecycle;

/// <summary>
/// Applies lifecycle policies: a repository is evaluated after each manifest push to it, when its policy is
/// put, and every <see cref="LifecycleOptions.SweepInterval"/> for all repositories. Evaluations run one at
/// a time on this service's own loop, so a burst of pushes never evaluates a repository concurrently with itself.
/// </summary>
public sealed partial class LifecycleService(IRegistryMetadata metadata, TimeProvider time, LifecycleOptions options, ILogger<LifecycleService> logger)
    : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastEvaluated = new(StringComparer.Ordinal);

    /// <summary>Asks for an evaluation of <paramref name="repository"/> soon (after a push or a policy change).</summary>
    public void Schedule(string repository) => _queue.Writer.TryWrite(repository);

    /// <summary>When the repository's policy was last evaluated by this process, if ever.</summary>
    public DateTimeOffset? LastEvaluatedAt(string repository) => _lastEvaluated.TryGetValue(repository, out var t) ? t : null;

    /// <summary>Evaluates the repository's policy now and deletes what it expires; returns the expired images.</summary>
    public async Task<IReadOnlyList<LifecycleEvaluator.Expiry>> EvaluateAsync(string repository, CancellationToken ct = default)
    {
        var repo = await metadata.GetRepositoryAsync(repository, ct);
        if (repo?.LifecyclePolicy is null) return [];
        var (policy, error) = LifecyclePolicyParser.Parse(repo.LifecyclePolicy);
        if (policy is null)
        {
            LogInvalidPolicy(logger, repository, error!);
            return [];
        }
        var now = time.GetUtcNow();
        var expired = LifecycleEvaluator.Evaluate(policy, await metadata.ListImagesAsync(repository, ct), now);
        foreach (var e in expired)
        {
            if (await metadata.DeleteManifestAsync(repository, e.Image.Manifest.Digest, ct))
                LogExpired(logger, repository, e.Image.Manifest.Digest.ToString(), e.RulePriority);
        }
        _lastEvaluated[repository] = now;
        return expired;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSweep = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (time.GetUtcNow() >= nextSweep)
                {
                    await SweepAsync(stoppingToken);
                    nextSweep = time.GetUtcNow() + options.SweepInterval;
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(options.SweepInterval);
                var repository = await _queue.Reader.ReadAsync(wait.Token);
                await EvaluateAsync(repository, stoppingToken);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The wait for work ran into the next sweep.
            }
            catch (OperationCanceledException)
            {
                // Shutting down (also when the host is disposed without being stopped): not an error.
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogEvaluationFailed(logger, e);
            }
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        string? after = null;
        while (true)
        {
            var page = await metadata.ListRepositoriesAsync(after, 100, ct);
            foreach (var repo in page.Where(r => r.LifecyclePolicy is not null)) await EvaluateAsync(repo.Name, ct);
            if (page.Count < 100) return;
            after = page[^1].Name;
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "lifecycle policy of {Repository} expired {Digest} (rule {RulePriority})")]
    private static partial void LogExpired(ILogger logger, string repository, string digest, int rulePriority);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "lifecycle policy of {Repository} is invalid and was not applied: {Error}")]
    private static partial void LogInvalidPolicy(ILogger logger, string repository, string error);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "lifecycle evaluation failed")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception exception);
}

/// <summary>How often every repository's lifecycle policy is evaluated, besides after each push.</summary>
public sealed record LifecycleOptions(TimeSpan SweepInterval)
{
    public static readonly LifecycleOptions Default = new(TimeSpan.FromHours(1));
}
