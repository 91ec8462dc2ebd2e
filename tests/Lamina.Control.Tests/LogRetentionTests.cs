using Lamina.Control.Invoke;
using Lamina.Control.Logs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lamina.Control.Tests;

/// <summary>The logs store's retention sweep, size cap and the ingestion queue's drop accounting (a real logs.db).</summary>
public sealed class LogRetentionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-logs-").FullName;
    private readonly ShiftableClock _clock = new();
    private readonly LogsDatabase _db;
    private readonly LogStore _store;

    public LogRetentionTests()
    {
        _db = new LogsDatabase(Path.Combine(_dir, "logs.db"));
        _store = new LogStore(_db, _clock);
    }

    public void Dispose()
    {
        _db.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<LogsError?> AppendAsync(string group, string stream, params (DateTimeOffset At, string Message)[] events) =>
        _store.AppendAsync([(group, stream, events.Select(e => new NewLogEvent(e.At.ToUnixTimeMilliseconds(), e.Message)).ToList())], createMissing: true, CancellationToken.None);

    private List<string> Messages(string group, string stream) =>
        [.. _store.StreamEvents(group, stream, null, null, null, null, fromHead: true, 100).Value!.Events.Select(e => e.Message)];

    [Fact]
    public async Task Retention_deletes_only_events_older_than_their_groups_period()
    {
        var now = _clock.GetUtcNow();
        await AppendAsync("/aws/lambda/a", "s", (now.AddDays(-3), "old"), (now.AddHours(-1), "new"));
        await AppendAsync("/aws/lambda/b", "s", (now.AddDays(-3), "kept, no retention"));
        Assert.Null(await _store.PutRetentionAsync("/aws/lambda/a", 1, CancellationToken.None));
        Assert.NotNull(await _store.PutRetentionAsync("/aws/lambda/missing", 1, CancellationToken.None));

        Assert.Equal(1, await _store.SweepAsync(0, CancellationToken.None));
        Assert.Equal(["new"], Messages("/aws/lambda/a", "s"));
        Assert.Equal(["kept, no retention"], Messages("/aws/lambda/b", "s"));
        var stream = Assert.Single(_store.Streams("/aws/lambda/a", null, false, false, null, 10).Value!);
        Assert.Equal(now.AddHours(-1).ToUnixTimeMilliseconds(), stream.FirstEventTimestamp);
        Assert.Equal("new".Length + 26, stream.StoredBytes);

        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await _store.SweepAsync(0, CancellationToken.None));
        Assert.Empty(Messages("/aws/lambda/a", "s"));
    }

    [Fact]
    public async Task The_size_cap_deletes_the_oldest_events_across_groups()
    {
        var now = _clock.GetUtcNow();
        // Each event is 10 + 26 = 36 bytes; 6 events = 216 bytes.
        await AppendAsync("/aws/lambda/a", "s", (now.AddMinutes(-6), "aaaaaaaaa1"), (now.AddMinutes(-4), "aaaaaaaaa2"), (now.AddMinutes(-2), "aaaaaaaaa3"));
        await AppendAsync("/aws/lambda/b", "s", (now.AddMinutes(-5), "bbbbbbbbb1"), (now.AddMinutes(-3), "bbbbbbbbb2"), (now.AddMinutes(-1), "bbbbbbbbb3"));

        Assert.Equal(0, await _store.SweepAsync(216, CancellationToken.None));
        Assert.Equal(3, await _store.SweepAsync(110, CancellationToken.None));
        Assert.Equal(["aaaaaaaaa3"], Messages("/aws/lambda/a", "s"));
        Assert.Equal(["bbbbbbbbb2", "bbbbbbbbb3"], Messages("/aws/lambda/b", "s"));
        Assert.Equal(3, _store.EventCount());
    }

    [Fact]
    public void A_full_ingestion_queue_drops_and_counts_instead_of_blocking()
    {
        var ingestion = new LogIngestion(_store, new LogsOptions { QueueCapacity = 2 }, NullLogger<LogIngestion>.Instance);
        var batch = new FunctionLogBatch("f", "s", [new FunctionLogEvent(DateTimeOffset.UtcNow, "x")]);
        Assert.True(ingestion.TryEnqueue(batch));
        Assert.True(ingestion.TryEnqueue(batch));
        Assert.False(ingestion.TryEnqueue(batch));
        Assert.False(ingestion.TryEnqueue(batch));
        Assert.Equal(2, ingestion.Dropped);
        ingestion.Dispose();
    }
}
