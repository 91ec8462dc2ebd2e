using System.Text.RegularExpressions;

namespace Lamina.Cli.Tests;

/// <summary>
/// Issue 7's leftover: <c>lamina push</c> draws a live Spectre progress bar when stdout is a terminal, and plain
/// lines when it is not. The terminal case runs under a real pseudo-terminal (<see cref="PtyRunner"/>) against a real
/// server and reads the bytes the terminal would get.
/// </summary>
public sealed partial class TerminalProgressTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    [Fact]
    public async Task Push_on_a_terminal_draws_the_bar_with_cursor_movement_percentages_and_bytes_then_the_summary()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-pty-push-").FullName;
        try
        {
            var layout = OciLayoutBuilder.Create(dir, "v1", "pty", layerKiB: 512, layers: 3);
            var result = await PtyRunner.RunAsync(["push", dir, "pty/app:v1", "--endpoint", server.Endpoint, "--data-dir", server.DataDir]);
            var shown = PtyRunner.Visible(result.Stdout);
            Assert.True(result.ExitCode == 0, result + "\n" + shown);

            // Live rendering: the cursor is hidden while drawing and moved back up to redraw the bar in place.
            Assert.Contains("\x1b[?25l", result.Stdout, StringComparison.Ordinal);
            Assert.True(CursorUp().IsMatch(result.Stdout), shown);
            // One row per blob (its digest's first characters), with a percentage and a transferred/total column.
            foreach (var blob in layout.BlobDigests)
                Assert.Contains(blob[..19], result.Stdout, StringComparison.Ordinal);
            var text = Ansi().Replace(result.Stdout, ""); // colours and cursor moves gone: what the eye reads
            Assert.True(Percent().IsMatch(text), shown);
            Assert.Contains("100%", result.Stdout, StringComparison.Ordinal);
            Assert.True(Transferred().IsMatch(text), shown);
            Assert.Contains("(4 blobs uploaded, 0 already there,", result.Stdout, StringComparison.Ordinal);

            // The same push without a terminal: no escape sequence, no bar, the summary line only.
            var plain = await server.LaminaAsync("push", dir, "pty/app:v2");
            Assert.True(plain.ExitCode == 0, plain.ToString());
            Assert.DoesNotContain("\x1b", plain.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("%", plain.Stdout, StringComparison.Ordinal);
            Assert.Matches(@"^Pushed \S+/pty/app:v2@sha256:[0-9a-f]{64} \(0 blobs uploaded, 4 already there, .*\)\.\r?\n$", plain.Stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [GeneratedRegex(@"\x1b\[\d*A")]
    private static partial Regex CursorUp();

    [GeneratedRegex(@"\b\d{1,3}%")]
    private static partial Regex Percent();

    /// <summary>A finished row once the colours are gone: the percentage, then Spectre's DownloadedColumn (the size; "done/total" while running).</summary>
    [GeneratedRegex(@"100% +\d+(\.\d+)?(/\d+(\.\d+)?)? KiB")]
    private static partial Regex Transferred();

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Ansi();
}
