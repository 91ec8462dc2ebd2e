using Lamina.Control.Domain;
using Microsoft.Extensions.Logging;

namespace Lamina.Scheduler;

/// <summary>
/// Prewarm on Active: a function whose $LATEST became Active (created, code or configuration updated), a version
/// just published, and the published versions an alias was just pointed at get their pool's spares made then, so
/// the first invoke takes a spare (a thaw and the runtime's init) instead of paying runc create and start on demand.
/// Two triggers: <see cref="FunctionActivated"/>, which the state worker calls right after it commits
/// Active/Successful and the API after PublishVersion, CreateAlias and UpdateAlias (the spare starts at once, or as
/// soon as the in-flight bound has room), and <see cref="PrewarmAsync"/>, the pass that runs every second beside the
/// provisioned pass and covers $LATEST only (the fallback: functions already Active when the server started).
/// Bounded: each (function, version, image, revision) is prewarmed once per notification or pass; its spares are
/// reaped after the idle timeout like any spare, and are not made again by the pass; a $LATEST revision older than
/// the idle timeout is not prewarmed by the pass (a restarted server does not warm every function it has); none is
/// made when the memory budget (environments and spares) has no room for it; at most
/// <see cref="MaxPrewarmsInFlight"/> are made at once, so a burst of deployments does not starve invokes.
/// </summary>
public sealed partial class Scheduler
{
    /// <summary>Prewarm spares in the making at once, across functions.</summary>
    public const int MaxPrewarmsInFlight = 2;

    // How long a notification waits for a free slot of the in-flight bound, and how often it looks.
    private static readonly TimeSpan NotificationPatience = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan NotificationRetry = TimeSpan.FromMilliseconds(250);

    // Pool keys the pass prewarmed already (or a notification did), pruned each pass to the current $LATEST
    // candidates. Notifications do not consult it: RefillSpares only tops a pool's spares up to the bound.
    private readonly HashSet<PoolKey> _prewarmed = [];
    private int _prewarmsInFlight;
    private volatile bool _prewarmPassEnabled = true;

    /// <summary>
    /// Whether <see cref="PrewarmAsync"/> does anything (default true). Tests turn it off to show that the
    /// notification alone (<see cref="FunctionActivated"/>) makes the spare.
    /// </summary>
    public bool PrewarmPassEnabled
    {
        get => _prewarmPassEnabled;
        set => _prewarmPassEnabled = value;
    }

    /// <inheritdoc/>
    public void FunctionActivated(FunctionConfig config)
    {
        // No recency check: a notification is of a commit just made (a version keeps its $LATEST's LastModified).
        if (!_settings.PrewarmOnActive || _settings.SpareSandboxes == 0 || !IsInvokable(config)) return;
        lock (_lock)
        {
            if (_stopped) return;
            // Tracked: stop waits for it (and for the spares it starts, which RefillSpares tracks too).
            Track(PrewarmNowAsync(config));
        }
    }

    private async Task PrewarmNowAsync(FunctionConfig config)
    {
        await Task.Yield();
        try
        {
            // A published version has no pass to fall back on: wait for a free slot of the in-flight bound (bounded,
            // and never past a stop: TryPrewarmAsync answers false then and the loop sees _stopped).
            var deadline = Environment.TickCount64 + (long)NotificationPatience.TotalMilliseconds;
            while (!await TryPrewarmAsync(config, CancellationToken.None, notified: true))
            {
                lock (_lock) if (_stopped) return;
                if (Environment.TickCount64 > deadline)
                {
                    LogPrewarmSkipped(_logger, config.FunctionName, $"no free prewarm slot within {NotificationPatience.TotalSeconds:F0} s");
                    return;
                }
                await Task.Delay(NotificationRetry);
            }
        }
        catch (Exception e)
        {
            // For $LATEST the pass tries again within a second (the key was not marked prewarmed unless a spare was started).
            LogPrewarmSkipped(_logger, config.FunctionName, e.Message);
        }
    }

    /// <summary>
    /// One pass: every function whose $LATEST is Active, updated successfully within the idle timeout and not
    /// prewarmed yet gets its spares made in the background. A no-op when prewarming or spares are off.
    /// </summary>
    public async Task PrewarmAsync(CancellationToken ct = default)
    {
        if (!_settings.PrewarmOnActive || _settings.SpareSandboxes == 0 || !_prewarmPassEnabled) return;
        var now = _time.GetUtcNow();
        // From memory until control.db is written again (ControlStore.ReadCached): the pass runs every second,
        // and a function only becomes a candidate through a write (create, update, state change).
        var candidates = _store.ReadCached(PrewarmFunctionsKey.Instance, s => (IReadOnlyList<FunctionRecord>)s.Functions(null, int.MaxValue).AsReadOnly())
            .Select(f => f.Latest)
            .Where(c => IsPrewarmCandidate(c, now))
            .ToList();
        lock (_lock) _prewarmed.IntersectWith(candidates.Select(PoolKey.Of));

        foreach (var config in candidates)
        {
            if (!await TryPrewarmAsync(config, ct)) return;
        }
    }

    private static bool IsInvokable(FunctionConfig c) =>
        c is { State: FunctionState.Active, LastUpdateStatus: LastUpdateStatus.Successful, ImageDigest: not null };

    private bool IsPrewarmCandidate(FunctionConfig c, DateTimeOffset now) => IsInvokable(c) && now - c.LastModified < _settings.IdleTimeout;

    /// <summary>
    /// Starts <paramref name="config"/>'s spares unless the memory budget is spent or (for the pass) its key was
    /// prewarmed already; a notification (<paramref name="notified"/>) always tops the pool's spares up to the bound,
    /// so a version whose spare was taken, reaped or evicted gets one again when an alias is pointed at it. False
    /// when no more may start now (stopping, or <see cref="MaxPrewarmsInFlight"/> in the making).
    /// </summary>
    private async Task<bool> TryPrewarmAsync(FunctionConfig config, CancellationToken ct, bool notified = false)
    {
        var key = PoolKey.Of(config);
        List<PooledEnvironment> stale;
        List<Spare> staleSpares;
        lock (_lock)
        {
            if (_stopped || _prewarmsInFlight >= MaxPrewarmsInFlight) return false;
            if (!notified && _prewarmed.Contains(key)) return true;
            // Only into free room: spares hold their MemorySize of the budget (Scheduler.SpareBudget.cs); tried again next pass.
            if (AffordableSpares(1, config.MemorySize) == 0) return true;
            _prewarmed.Add(key);
            _prewarmsInFlight++;
            // Makes this revision the current one (an older pool drains: its spares and idle ones go).
            CurrentPool(key, config.LastModified, out stale, out staleSpares);
        }
        foreach (var e in stale) Discard(e);
        DiscardSpares(staleSpares);
        Task? making = null;
        try
        {
            var pulled = await _images.GetAsync(config.ImageUri, config.ImageDigest!, ct);
            if (pulled.Succeeded) making = RefillSpares(key, pulled.Image!, EnvironmentConfig.From(config, _settings.Region, provisioned: false));
            else LogPrewarmSkipped(_logger, config.FunctionName, pulled.Error!.Message);
        }
        finally
        {
            lock (_lock)
            {
                if (making is null) _prewarmsInFlight--;
                else Track(making.ContinueWith(_ => { lock (_lock) _prewarmsInFlight--; }, TaskScheduler.Default));
            }
        }
        return true;
    }

    /// <summary>Cache key of the function list the prewarm pass reads (<see cref="Lamina.Control.Storage.ControlStore.ReadCached{T}"/>).</summary>
    private sealed record PrewarmFunctionsKey
    {
        public static readonly PrewarmFunctionsKey Instance = new();
    }

    [LoggerMessage(EventId = 5205, Level = LogLevel.Warning, Message = "Prewarming {Function} skipped: {Error}")]
    private static partial void LogPrewarmSkipped(ILogger logger, string function, string error);
}
