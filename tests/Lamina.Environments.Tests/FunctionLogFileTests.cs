namespace Lamina.Environments.Tests;

/// <summary>The host's own lines in a sandbox's stdout file: added only where the agent could not write them, nothing else touched.</summary>
public sealed class FunctionLogFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-funclog-").FullName;

    private string Log => Path.Combine(_dir, "stdout");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly FunctionConfig Function = new("f", MemoryMb: 128, TimeoutSeconds: 3);

    [Fact]
    public void A_host_timeout_appends_the_timeout_END_and_REPORT_lines_after_what_the_function_wrote()
    {
        File.WriteAllText(Log, "START RequestId: r1 Version: $LATEST\nfunction output\n");
        FunctionLogFile.ReportHostTimeout(Log, "r1", Function, 97);
        var lines = File.ReadAllLines(Log);
        Assert.Equal(5, lines.Length);
        Assert.Equal("function output", lines[1]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z r1 Task timed out after 3\.00 seconds$", lines[2]);
        Assert.Equal("END RequestId: r1", lines[3]);
        Assert.Equal("REPORT RequestId: r1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 97 MB\tStatus: timeout", lines[4]);
    }

    [Fact]
    public void Lines_the_agent_already_wrote_are_not_repeated()
    {
        var agentTimedOut = "2026-11-24T10:00:00.000Z r2 Task timed out after 3.00 seconds\n";
        File.WriteAllText(Log, "START RequestId: r2 Version: $LATEST\n" + agentTimedOut);
        FunctionLogFile.ReportHostTimeout(Log, "r2", Function, 5);
        var lines = File.ReadAllLines(Log);
        Assert.Single(lines, l => l.Contains("Task timed out", StringComparison.Ordinal));
        Assert.Equal("END RequestId: r2", lines[^2]);

        // The agent got as far as its REPORT: nothing is added at all.
        var once = File.ReadAllText(Log);
        FunctionLogFile.ReportHostTimeout(Log, "r2", Function, 5);
        Assert.Equal(once, File.ReadAllText(Log));
        // A REPORT for another request (an id that is a prefix of this one) does not count.
        File.WriteAllText(Log, "REPORT RequestId: r3\tDuration: 1.00 ms\n");
        FunctionLogFile.ReportHostTimeout(Log, "r", Function, 5);
        Assert.Contains("REPORT RequestId: r\t", File.ReadAllText(Log));
    }

    [Fact]
    public void An_out_of_memory_REPORT_gets_the_peak_and_the_error_type_and_everything_around_it_stays()
    {
        var older = "REPORT RequestId: old\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 0 MB\n";
        var after = "an extension's goodbye line\n";
        File.WriteAllText(Log, older + "START RequestId: r4 Version: $LATEST\nEND RequestId: r4\n"
            + "REPORT RequestId: r4\tDuration: 812.50 ms\tBilled Duration: 813 ms\tMemory Size: 128 MB\tMax Memory Used: 0 MB\tStatus: error\n" + after);
        FunctionLogFile.ReportOutOfMemory(Log, "r4", 128);
        Assert.Equal(older + "START RequestId: r4 Version: $LATEST\nEND RequestId: r4\n"
            + "REPORT RequestId: r4\tDuration: 812.50 ms\tBilled Duration: 813 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory\n" + after,
            File.ReadAllText(Log));
    }

    [Fact]
    public void Missing_lines_and_missing_files_change_nothing_and_do_not_throw()
    {
        File.WriteAllText(Log, "START RequestId: r5 Version: $LATEST\nREPORT RequestId: r5\tDuration: 1.00 ms\tMax Memory Used: 0 MB"); // no newline yet
        var before = File.ReadAllText(Log);
        FunctionLogFile.ReportOutOfMemory(Log, "r6", 128);
        FunctionLogFile.ReportOutOfMemory(Log, "r5", 128);
        Assert.Equal(before, File.ReadAllText(Log));
        FunctionLogFile.ReportOutOfMemory(Path.Combine(_dir, "none"), "r5", 128);
        FunctionLogFile.ReportHostTimeout(Path.Combine(_dir, "gone", "stdout"), "r5", Function, 1);
        Assert.False(Directory.Exists(Path.Combine(_dir, "gone")));
    }
}
