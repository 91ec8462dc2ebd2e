using System.Text;
using System.Text.Json;
using Lamina.RuntimeSupport.Internal;

namespace Lamina.RuntimeSupport.Tests.Unit;

public sealed class LogWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    [Fact]
    public void Text_records_are_single_lines_tagged_with_the_request()
    {
        var output = new MemoryStream();
        var log = new LogWriter(output, json: false, LogLevel.Trace, new FixedClock(Now)) { RequestId = "req-1" };
        ((ILambdaLogger)log).LogWarning("two\nlines");
        log.RequestId = null;
        log.LogLine("init é");
        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal("2026-01-02T03:04:05.678Z\treq-1\twarn\ttwo\rlines\n2026-01-02T03:04:05.678Z\t\tinfo\tinit é\n", text);
    }

    [Fact]
    public void Json_records_carry_level_request_and_message_and_the_level_filter_drops_lower_ones()
    {
        var output = new MemoryStream();
        var log = new LogWriter(output, json: true, LogWriter.ParseLevel("warn"), new FixedClock(Now)) { RequestId = "req-2" };
        ((ILambdaLogger)log).LogInformation("dropped");
        ((ILambdaLogger)log).Log("Error", "kept \"quoted\"\nsecond line");
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var record = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        Assert.Equal("Error", record.GetProperty("level").GetString());
        Assert.Equal("req-2", record.GetProperty("requestId").GetString());
        Assert.Equal("kept \"quoted\"\nsecond line", record.GetProperty("message").GetString());
        Assert.Equal("2026-01-02T03:04:05.678Z", record.GetProperty("timestamp").GetString());
    }

    [Theory]
    [InlineData("TRACE", LogLevel.Trace)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("INFO", LogLevel.Information)]
    [InlineData("FATAL", LogLevel.Critical)]
    [InlineData("verbose", LogLevel.Trace)]
    [InlineData(null, LogLevel.Trace)]
    public void Lambda_level_names_parse_and_unknown_ones_filter_nothing(string? name, LogLevel expected) =>
        Assert.Equal(expected, LogWriter.ParseLevel(name));

    [Fact]
    public void Console_output_is_split_into_one_record_per_line()
    {
        var output = new MemoryStream();
        var log = new LogWriter(output, json: false, LogLevel.Trace, new FixedClock(Now)) { RequestId = "r" };
        using var console = new ConsoleLineWriter(log, LogLevel.Information);
        console.Write("par");
        console.Write("tial\r\nnext ");
        console.WriteLine("line");
        console.WriteLine("a\nb");
        console.Write("unterminated");
        console.FlushPartialLine();
        var messages = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t')[3]).ToArray();
        Assert.Equal(["partial", "next line", "a", "b", "unterminated"], messages);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
