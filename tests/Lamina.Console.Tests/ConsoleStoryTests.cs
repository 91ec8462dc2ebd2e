using Microsoft.Playwright;

namespace Lamina.WebConsole.Tests;

/// <summary>
/// The new user's story in headless Chromium against a server that runs functions: function list, invoke panel
/// (answer, cold start then warm), live logs, publish and alias rollback in the UI, the Prometheus page, delete.
/// </summary>
public sealed class ConsoleStoryTests(ConsoleStoryFixture fixture) : IClassFixture<ConsoleStoryFixture>
{
    private static readonly (byte, byte, byte) HeaderColour = (0x1d, 0x23, 0x2b);
    private static readonly (byte, byte, byte) ErrorBackground = (0xfd, 0xec, 0xea);
    private static readonly (byte, byte, byte) DangerButton = (0xb3, 0x26, 0x1e);

    [Fact]
    public async Task Invoke_follow_logs_publish_roll_an_alias_back_see_metrics_and_delete_in_the_browser()
    {
        var page = await fixture.LoggedInPageAsync();
        var row = page.Locator("#function-list tr", new() { HasText = ConsoleStoryFixture.FunctionName });
        Assert.Contains("Active", await row.InnerTextAsync());
        await row.Locator("a.fn-link").ClickAsync();
        await page.WaitForSelectorAsync("#invoke-panel");

        // The image pull the server did before Active (the update to "two" pulled its image): summarised, no bar.
        await page.WaitForSelectorAsync("#image-pull[data-phase=done]", new() { Timeout = 60_000 });
        Assert.Matches(@"^Pulled and unpacked: [1-9][0-9]* layers, .+ in [0-9.]+ s$", await page.InnerTextAsync("#image-pull-text"));
        Assert.False(await page.IsVisibleAsync("#image-pull-bar"));

        // $LATEST runs the updated code ("two"): a cold start first, then warm.
        await page.FillAsync("#payload", """{"hello":"story"}""");
        var first = await InvokeAsync(page, "$LATEST");
        Assert.Contains("\"variant\": \"two\"", first);
        Assert.Contains("\"hello\": \"story\"", first);
        Assert.StartsWith("cold start (Init Duration", await page.InnerTextAsync("#invoke-start"));
        await InvokeAsync(page, "$LATEST");
        Assert.Equal("warm", await page.InnerTextAsync("#invoke-start"));

        // Live logs: the panel refreshes by itself until both invocations' REPORT lines are in.
        await page.WaitForFunctionAsync("() => (document.querySelector('#log-lines')?.innerText.match(/REPORT RequestId/g) || []).length >= 2",
            null, new() { Timeout = 120_000 });
        Assert.Contains("START RequestId", await page.InnerTextAsync("#log-lines"));

        // Publish $LATEST ("two") as version 2 in the UI, point live at it, then roll live back to 1.
        Assert.Equal("1", await page.InnerTextAsync(".alias-target[data-alias=live]"));
        await page.ClickAsync("#publish");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#versions tbody tr').length === 3");
        Assert.Equal("2", await page.InnerTextAsync("#versions tbody tr:last-child td:first-child"));
        await PointAliasAsync(page, "2");
        Assert.Contains("\"variant\": \"two\"", await InvokeAsync(page, "live"));
        await PointAliasAsync(page, "1");
        Assert.Contains("\"FunctionVersion\": \"1\"", await fixture.AwsAsync("lambda", "get-alias", "--function-name", ConsoleStoryFixture.FunctionName, "--name", "live"));
        await page.FillAsync("#payload", """{"rolled":"back"}""");
        var rolledBack = await InvokeAsync(page, "live");
        Assert.Contains("\"variant\": \"one\"", rolledBack);
        Assert.Contains("\"rolled\": \"back\"", rolledBack);
        await page.Locator("#aliases").ScrollIntoViewIfNeededAsync();
        var png = await ScreenshotAsync(page, "story-rollback");
        Assert.Equal(0, png.Count(ErrorBackground));

        // The Prometheus endpoint, readable: the story's invocations and cold start are counted.
        await page.ClickAsync("#nav a[href='#/metrics']");
        await page.WaitForSelectorAsync("#metrics-count");
        var metrics = await page.InnerTextAsync("#prometheus");
        Assert.Contains("lamina_invocations_total", metrics);
        Assert.Contains("lamina_cold_starts_total", metrics);
        Assert.Contains("function=\"story\"", metrics);
        Assert.Equal(HeaderColour, (await ScreenshotAsync(page, "story-metrics"))[2, 2]);

        // Delete, confirmed in the browser's dialog: back on the list, and the server no longer has it.
        await page.GotoAsync(fixture.Url + "#/functions/" + ConsoleStoryFixture.FunctionName);
        await page.WaitForSelectorAsync("#delete-function");
        await page.Locator("#delete-function").ScrollIntoViewIfNeededAsync();
        Assert.True((await ScreenshotAsync(page, "story-delete")).Count(DangerButton) > 300, "the delete button is not visible");
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await page.ClickAsync("#delete-function");
        await page.WaitForSelectorAsync("body[data-page=functions]");
        // It was the only function: the list says there are none.
        Assert.Contains("No functions yet", await page.InnerTextAsync("#functions"));
        Assert.Equal(0, await page.Locator("a.fn-link").CountAsync());
        var gone = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.AwsAsync("lambda", "get-function", "--function-name", ConsoleStoryFixture.FunctionName));
        Assert.Contains("ResourceNotFoundException", gone.Message, StringComparison.Ordinal);
    }

    /// <summary>Moves alias live with its version picker and Point button, and waits for the re-rendered table to show it.</summary>
    private static async Task PointAliasAsync(IPage page, string version)
    {
        await page.SelectOptionAsync("#alias-version-live", version);
        await page.ClickAsync("#alias-set-live");
        await page.WaitForFunctionAsync($"() => document.querySelector('.alias-target[data-alias=live]')?.innerText === '{version}'");
    }

    /// <summary>Picks the qualifier, clicks Invoke, waits for this invocation's answer and returns it (pretty JSON).</summary>
    private static async Task<string> InvokeAsync(IPage page, string qualifier)
    {
        await page.SelectOptionAsync("#qualifier", qualifier);
        await page.EvaluateAsync("() => document.querySelector('#invoke-result').replaceChildren()");
        await page.ClickAsync("#invoke");
        await page.WaitForSelectorAsync("#invoke-result #invoke-payload, #invoke-result .error", new() { Timeout = 120_000 });
        Assert.Equal(0, await page.Locator("#invoke-result .error").CountAsync());
        return await page.InnerTextAsync("#invoke-payload");
    }

    private async Task<Png> ScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.ScreenshotDir, name + ".png"), FullPage = false });
        var png = Png.Decode(bytes);
        Assert.Equal(1280, png.Width);
        return png;
    }
}
