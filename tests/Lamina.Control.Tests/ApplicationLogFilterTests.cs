using Lamina.Control.Logs;

namespace Lamina.Control.Tests;

/// <summary>ApplicationLogLevel filtering of the function's lines (AWS: JSON format only; a line without a valid
/// "level" is INFO; platform records are not the application's).</summary>
public sealed class ApplicationLogFilterTests
{
    private static ApplicationLogFilter Filter(string level) => ApplicationLogFilter.For("JSON", level)!;

    [Fact]
    public void Text_format_and_TRACE_filter_nothing_and_JSON_without_a_level_means_INFO()
    {
        Assert.Null(ApplicationLogFilter.For("Text", "ERROR"));
        Assert.Null(ApplicationLogFilter.For(null, null));
        Assert.Null(ApplicationLogFilter.For("JSON", "TRACE"));
        Assert.Equal(ApplicationLogFilter.Info, ApplicationLogFilter.For("JSON", null)!.Threshold);
        Assert.Equal(ApplicationLogFilter.Warn, Filter("WARN").Threshold);
    }

    [Theory]
    [InlineData("""{"level":"debug","message":"x"}""", ApplicationLogFilter.Debug)]
    [InlineData("""{"timestamp":"2026-01-01T00:00:00Z","level":"WARN","message":"x"}""", ApplicationLogFilter.Warn)]
    [InlineData("""{"level":"Warning"}""", ApplicationLogFilter.Warn)]
    [InlineData("""{"level":"CRITICAL"}""", ApplicationLogFilter.Fatal)]
    [InlineData("""{"nested":{"level":"ERROR"},"level":"trace"}""", ApplicationLogFilter.Trace)]
    [InlineData("""{"nested":{"level":"ERROR"}}""", ApplicationLogFilter.Info)]
    [InlineData("""{"level":"loud"}""", ApplicationLogFilter.Info)]
    [InlineData("""{"level":3}""", ApplicationLogFilter.Info)]
    [InlineData("""{"level":"ERROR"} trailing""", ApplicationLogFilter.Info)]
    [InlineData("""{"level":"ERROR" """, ApplicationLogFilter.Info)]
    [InlineData("""{"level":"DEBUG"}{"level":"ERROR"}""", ApplicationLogFilter.Info)]
    public void A_lines_level_is_its_top_level_level_string_or_INFO(string line, int level) =>
        Assert.Equal(level, ApplicationLogFilter.Classify(line).Level);

    [Fact]
    public void Lines_below_the_threshold_are_dropped_in_order_and_platform_lines_are_kept()
    {
        List<string> lines =
        [
            """{"time":"2026-01-01T00:00:00.000Z","type":"platform.start","record":{"requestId":"r1"}}""",
            """{"level":"DEBUG","message":"d"}""",
            "plain text",
            """{"level":"INFO","message":"i"}""",
            """{"level":"ERROR","message":"e"}""",
            "2026-01-01T00:00:03.000Z r1 Task timed out after 3.00 seconds",
            """{"level":"FATAL","message":"f"}""",
            "not json {",
            """{"time":"2026-01-01T00:00:00.000Z","type":"platform.report","record":{"requestId":"r1"}}""",
        ];
        var info = new List<string>(lines);
        Filter("INFO").Apply(info);
        Filter("ERROR").Apply(lines);

        Assert.Equal(8, info.Count);
        Assert.DoesNotContain(info, l => l.Contains("\"DEBUG\"", StringComparison.Ordinal));
        Assert.Equal(5, lines.Count);
        Assert.StartsWith("""{"time":"2026-01-01T00:00:00.000Z","type":"platform.start""", lines[0], StringComparison.Ordinal);
        Assert.Equal("""{"level":"ERROR","message":"e"}""", lines[1]);
        Assert.Contains("Task timed out after", lines[2], StringComparison.Ordinal);
        Assert.Equal("""{"level":"FATAL","message":"f"}""", lines[3]);
        Assert.Contains("platform.report", lines[4], StringComparison.Ordinal);
    }

    [Fact]
    public void A_deeply_nested_or_huge_line_is_classified_without_throwing()
    {
        var deep = "{\"a\":" + new string('[', 5000) + new string(']', 5000) + ",\"level\":\"ERROR\"}";
        Assert.Equal(ApplicationLogFilter.Info, ApplicationLogFilter.Classify(deep).Level);
        var big = "{\"level\":\"ERROR\",\"message\":\"" + new string('x', 300_000) + "\"}";
        Assert.True(Filter("ERROR").Keep(big));
    }
}
