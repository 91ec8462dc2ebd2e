namespace Lamina.Scheduler.Tests;

/// <summary>The environment's log file kept open between invokes (EnvironmentLog reads through it).</summary>
public sealed class LogFileHandleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-logfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_missing_file_is_no_handle_until_it_exists_then_the_same_handle_sees_appends()
    {
        var path = Path.Combine(_dir, "stdout");
        using var log = new LogFileHandle();
        Assert.Null(log.Open(path));

        File.WriteAllText(path, "one\n");
        var handle = log.Open(path);
        Assert.NotNull(handle);
        Assert.Same(handle, log.Open(path));
        File.AppendAllText(path, "two\n");
        Assert.Equal(8, RandomAccess.GetLength(handle));
    }

    [Fact]
    public void After_dispose_it_opens_nothing_and_the_old_handle_is_closed()
    {
        var path = Path.Combine(_dir, "stderr");
        File.WriteAllText(path, "x\n");
        var log = new LogFileHandle();
        var handle = log.Open(path)!;
        log.Dispose();
        Assert.True(handle.IsClosed);
        Assert.Null(log.Open(path));
    }
}
