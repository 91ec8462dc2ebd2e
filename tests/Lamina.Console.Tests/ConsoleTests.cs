using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Lamina.WebConsole.Tests;

/// <summary>The console in headless Chromium against a real server: login, functions, invoke, images, screenshots.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleTests(ConsoleFixture fixture)
{
    private static readonly (byte, byte, byte) HeaderColour = (0x1d, 0x23, 0x2b);
    private static readonly (byte, byte, byte) ErrorBackground = (0xfd, 0xec, 0xea);

    [Fact]
    public async Task Login_is_required_and_wrong_keys_are_refused()
    {
        var page = await fixture.NewPageAsync();
        await page.WaitForSelectorAsync("#login");
        Assert.False(await page.IsVisibleAsync("#function-list"));
        Assert.False(await page.IsVisibleAsync("#nav"));

        await page.FillAsync("#access-key", "LAMINANOTAKEY0000000");
        await page.FillAsync("#secret-key", "wrong");
        await page.ClickAsync("#login-submit");
        var status = await page.WaitForSelectorAsync("#login-status .error");
        Assert.Contains("UnrecognizedClient", await status!.InnerTextAsync());

        await page.FillAsync("#access-key", fixture.Host.Credentials.AccessKeyId);
        await page.FillAsync("#secret-key", fixture.Host.Credentials.SecretAccessKey + "x");
        await page.ClickAsync("#login-submit");
        await page.WaitForFunctionAsync("() => document.querySelector('#login-status')?.innerText.includes('InvalidSignature')");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('lamina.console.keys')"));
        var png = await ScreenshotAsync(page, "login-refused");
        Assert.True(png.Count(ErrorBackground) > 500, "the refusal is not visible in the screenshot");

        // Going straight to a page without a session still shows the login form.
        await page.GotoAsync(fixture.Url + "#/images");
        await page.WaitForSelectorAsync("#login");
        Assert.False(await page.IsVisibleAsync("#images"));
    }

    [Fact]
    public async Task Function_list_and_page_show_state_configuration_versions_aliases_and_the_invoke_error()
    {
        var page = await fixture.LoggedInPageAsync();
        var row = page.Locator("#function-list tr", new() { HasText = ConsoleFixture.FunctionName });
        Assert.Equal(1, await row.CountAsync());
        Assert.Matches("Active|Failed", await row.InnerTextAsync());
        await ScreenshotAsync(page, "functions");

        await row.Locator("a.fn-link").ClickAsync();
        await page.WaitForSelectorAsync("#invoke-panel");
        var config = await page.InnerTextAsync("#config");
        Assert.Contains("256 MB", config);
        Assert.Contains("7 s", config);
        Assert.Contains("GREETING=hello", config);
        Assert.Contains("/console/app:v1", config);
        var versions = await page.InnerTextAsync("#versions");
        Assert.Contains("$LATEST", versions);
        Assert.Contains("first", versions);
        Assert.Contains("live", await page.InnerTextAsync("#aliases"));

        // Invalid JSON is refused in the editor, before anything is sent.
        await page.FillAsync("#payload", "{not json");
        Assert.Contains("Invalid JSON", await page.InnerTextAsync("#payload-status"));
        Assert.True(await page.IsDisabledAsync("#invoke"));
        await page.FillAsync("#payload", """{"hello":"console"}""");
        Assert.False(await page.IsDisabledAsync("#invoke"));
        await page.ClickAsync("#invoke");
        var error = await page.WaitForSelectorAsync("#invoke-result .error");
        var text = await error!.InnerTextAsync();
        Assert.Contains("ServiceException", text);
        Assert.Contains("no execution environments are configured", text);
        Assert.Matches(new Regex(@"\d+\.\d ms round trip"), await page.InnerTextAsync("#invoke-duration"));

        // Never invoked successfully: no log group yet (the panel says what to do rather than showing the error), and the real metrics endpoint
        // answers an hour of empty minutes: zero lines for the counters, "no data" for the durations only.
        await page.WaitForFunctionAsync("() => document.querySelector('#log-status')?.innerText.startsWith('No logs yet: invoke the function')");
        // Attached, not visible: an all-zero line is flat, and Playwright calls a zero-height box invisible.
        await page.WaitForSelectorAsync("#charts svg.chart polyline", new() { State = WaitForSelectorState.Attached });
        Assert.Equal(5, await page.Locator("#charts svg.chart").CountAsync());
        Assert.Equal(1, await page.Locator("#charts text.no-data").CountAsync());
        var png = await ScreenshotAsync(page, "function-invoke-error");
        Assert.True(png.Count(ErrorBackground) > 500, "the invoke error is not visible in the screenshot");
    }

    [Fact]
    public async Task Live_logs_read_the_log_group_the_function_configures()
    {
        const string name = "custom-group-console";
        const string group = "/console/custom-group";
        await AwsTool.RunCheckedAsync(AwsTool.CliV1, fixture.Host, "lambda", "create-function", "--function-name", name, "--package-type", "Image",
            "--code", $"ImageUri={fixture.Host.BaseAddress.Authority}/console/app:v1", "--role", "arn:aws:iam::000000000000:role/lambda",
            "--logging-config", "LogFormat=Text,LogGroup=" + group);
        // One line in the configured group, a decoy in the default one: the panel must show the first only.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (g, message) in new[] { (group, "line in the custom group"), ("/aws/lambda/" + name, "decoy in the default group") })
        {
            await fixture.AwsAsync("logs", "create-log-group", "--log-group-name", g);
            await fixture.AwsAsync("logs", "create-log-stream", "--log-group-name", g, "--log-stream-name", "s1");
            await fixture.AwsAsync("logs", "put-log-events", "--log-group-name", g, "--log-stream-name", "s1",
                "--log-events", $"timestamp={now},message={message}");
        }

        var page = await fixture.LoggedInPageAsync();
        await page.GotoAsync(fixture.Url + "#/functions/" + name);
        await page.WaitForFunctionAsync("() => document.querySelector('#log-lines')?.innerText.includes('line in the custom group')",
            null, new() { Timeout = 60_000 });
        Assert.DoesNotContain("decoy", await page.InnerTextAsync("#log-lines"));
        Assert.Equal(group, await page.InnerTextAsync("#log-group"));
        Assert.Equal("1 line", await page.InnerTextAsync("#log-status"));
    }

    [Fact]
    public async Task Images_page_shows_layers_sizes_and_the_bytes_shared_between_images()
    {
        // A repository just created, nothing pushed yet: its card says how to fill it.
        await fixture.AwsAsync("ecr", "create-repository", "--repository-name", "console/empty");
        var page = await fixture.LoggedInPageAsync();
        await page.ClickAsync("#nav a[href='#/images']");
        await page.WaitForSelectorAsync("#shared-bytes");
        Assert.Equal(fixture.Images.SharedBytes.ToString(), await page.GetAttributeAsync("#shared-bytes", "data-bytes"));
        Assert.Contains("3 images", await page.InnerTextAsync("#sharing"));
        Assert.Contains("3 repositories", await page.InnerTextAsync("#sharing"));
        Assert.Equal(3, await page.Locator(".repo").CountAsync());
        Assert.Contains($"No images yet: docker push {fixture.Host.BaseAddress.Authority}/console/empty:TAG",
            await page.InnerTextAsync(".repo[data-repo='console/empty']"));
        Assert.Equal(1, await page.Locator(".repo .no-images").CountAsync());
        Assert.Equal(3, await page.Locator("table.layers").CountAsync());
        // The base layer is marked shared in each image; each image's own layer is not.
        Assert.Equal(3, await page.Locator("table.layers .shared", new() { HasText = "with 2 other images" }).CountAsync());
        Assert.Equal(3, await page.Locator("table.layers td .muted", new() { HasText = "only here" }).CountAsync());
        Assert.Contains(fixture.Images.BaseLayerDigest["sha256:".Length..][..12], await page.InnerTextAsync("#images"));
        var png = await ScreenshotAsync(page, "images");
        Assert.Equal(HeaderColour, png[2, 2]);
    }

    [Fact]
    public async Task Charts_draw_the_metrics_adapter_answer()
    {
        var page = await fixture.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        // Stands in for the metrics endpoint that is being built elsewhere: the adapter's second accepted shape.
        await page.AddInitScriptAsync("globalThis.LAMINA_METRICS_ENDPOINT = name => ['/test-metrics/' + encodeURIComponent(name), []];");
        await page.RouteAsync("**/test-metrics/**", route => route.FulfillAsync(new()
        {
            Status = 200, ContentType = "application/json",
            Body = """{"points":[{"timestamp":"2026-01-01T00:00:00Z","invocations":4,"errors":1,"throttles":0,"durationP50Ms":12,"durationP99Ms":40,"concurrency":1},{"timestamp":"2026-01-01T00:01:00Z","invocations":9,"errors":0,"throttles":2,"durationP50Ms":10,"durationP99Ms":35,"concurrency":3}]}""",
        }));
        await page.GotoAsync(fixture.Url);
        await page.FillAsync("#access-key", fixture.Host.Credentials.AccessKeyId);
        await page.FillAsync("#secret-key", fixture.Host.Credentials.SecretAccessKey);
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("body[data-page=functions]");
        await page.GotoAsync(fixture.Url + "#/functions/" + ConsoleFixture.FunctionName);
        await page.WaitForSelectorAsync("#charts svg.chart polyline");
        Assert.Equal(0, await page.Locator("#charts text.no-data").CountAsync());
        Assert.Equal(6, await page.Locator("#charts polyline").CountAsync()); // five charts, duration with p50 and p99
        Assert.Equal(12, await page.Locator("#charts circle").CountAsync());
        await page.Locator("#metrics").ScrollIntoViewIfNeededAsync();
        var png = await ScreenshotAsync(page, "charts");
        Assert.True(png.Count((0x2f, 0x5f, 0xd0)) > 50, "no chart line in the accent colour is visible");
    }

    [Fact]
    public async Task The_metrics_range_selector_asks_the_real_endpoint_for_that_range_and_redraws()
    {
        var page = await fixture.LoggedInPageAsync();
        await page.GotoAsync(fixture.Url + "#/functions/" + ConsoleFixture.FunctionName);
        await page.WaitForSelectorAsync("#charts svg.chart", new() { State = WaitForSelectorState.Attached });
        Assert.Equal("last hour", await page.InnerTextAsync("#metrics-range-title"));
        Assert.Equal(["1h", "24h", "7d", "15d"], await page.Locator("#metrics-range option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));

        foreach (var (range, points, words) in new[] { ("7d", 168, "last 7 days"), ("15d", 120, "last 15 days"), ("24h", 288, "last 24 hours") })
        {
            var answer = page.WaitForResponseAsync(r => r.Url.Contains("/metrics?", StringComparison.Ordinal) && r.Url.Contains("range=" + range, StringComparison.Ordinal));
            await page.SelectOptionAsync("#metrics-range", range);
            var response = await answer;
            Assert.Equal(200, response.Status);
            using var json = System.Text.Json.JsonDocument.Parse(await response.TextAsync());
            Assert.Equal(points, json.RootElement.GetProperty("points").GetArrayLength());
            Assert.Equal(words, await page.InnerTextAsync("#metrics-range-title"));
            await page.WaitForSelectorAsync("#charts svg.chart", new() { State = WaitForSelectorState.Attached });
            Assert.Equal(5, await page.Locator("#charts svg.chart").CountAsync());
        }
    }

    private async Task<Png> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(fixture.ScreenshotDir, name + ".png");
        var bytes = await page.ScreenshotAsync(new() { Path = path, FullPage = false });
        var png = Png.Decode(bytes);
        Assert.Equal(1280, png.Width);
        Assert.Equal(900, png.Height);
        return png;
    }
}
