using Lamina.Control.Invoke;

namespace Lamina.Control.Tests;

public sealed class ReportLineTests
{
    private static readonly string[] Lines =
    [
        "START RequestId: a Version: $LATEST",
        "END RequestId: a",
        "REPORT RequestId: a\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 3 MB\tInit Duration: 12.25 ms\t",
        "REPORT RequestId: b\tDuration: 9.00 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\tMax Memory Used: 3 MB",
    ];

    [Fact]
    public void The_report_line_of_the_request_gives_duration_and_init_duration()
    {
        Assert.Equal(new ReportLine(1.5, 12.25), ReportLine.FindLast(Lines, "a"));
        Assert.Equal(new ReportLine(9.0, null), ReportLine.FindLast(Lines, "b"));
        Assert.Null(ReportLine.FindLast(Lines, "c"));
    }

    [Fact]
    public void Without_a_request_id_the_last_report_wins_and_only_init_duration_marks_a_cold_start()
    {
        var last = ReportLine.FindLast(Lines);
        Assert.Equal(9.0, last?.DurationMs);
        Assert.False(last?.ColdStart);
        Assert.True(ReportLine.FindLast(Lines, "a")?.ColdStart);
    }

    [Fact]
    public void Fields_that_are_not_numbers_are_null_not_errors()
    {
        var report = ReportLine.Parse("REPORT RequestId: x\tDuration: soon ms\tInit Duration: ");
        Assert.Equal(new ReportLine(null, null), report);
        Assert.Null(ReportLine.FindLast(["START RequestId: x", "garbage"]));
    }

    [Fact]
    public void A_json_platform_report_record_gives_the_same_figures()
    {
        string[] lines =
        [
            """{"time":"2026-11-24T07:00:00.000Z","type":"platform.start","record":{"requestId":"a","version":"$LATEST"}}""",
            """{"time":"2026-11-24T07:00:00.010Z","type":"platform.report","record":{"requestId":"a","status":"success","metrics":{"durationMs":1.5,"billedDurationMs":2,"memorySizeMB":128,"maxMemoryUsedMB":3,"initDurationMs":12.25}}}""",
            """{"time":"2026-11-24T07:00:01.000Z","type":"platform.report","record":{"requestId":"b","status":"success","metrics":{"durationMs":9}}}""",
        ];
        Assert.Equal(new ReportLine(1.5, 12.25), ReportLine.FindLast(lines, "a"));
        Assert.Equal(new ReportLine(9.0, null), ReportLine.FindLast(lines));
        Assert.Null(ReportLine.FindLast(lines, "c"));
        // A function's own JSON line that merely mentions the type, and broken JSON, are not reports.
        Assert.Null(ReportLine.FindLast(["""{"msg":"platform.report"}""", """{"type":"platform.report" broken"""]));
    }
}
