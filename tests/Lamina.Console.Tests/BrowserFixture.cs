using Lamina.Server;
using Microsoft.Playwright;

namespace Lamina.WebConsole.Tests;

/// <summary>
/// What every console fixture shares: a temp directory, a real Lamina server the derived fixture configures and
/// seeds, headless Debian Chromium driven by Playwright, logging in through the form, the AWS CLI v2, and disposal
/// in the right order (browser, server, SQLite pools, then <see cref="CleanUpAsync"/> and the directory).
/// </summary>
public abstract class BrowserFixture : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    /// <param name="tempPrefix">Temp directory prefix; keep it short when sandbox sockets live below it (107-byte limit).</param>
    protected BrowserFixture(string tempPrefix) => Dir = Directory.CreateTempSubdirectory(tempPrefix).FullName;

    /// <summary>The fixture's temp directory (server data, image layouts), deleted at dispose.</summary>
    protected string Dir { get; }

    public LaminaHost Host { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string Url => Host.BaseAddress.ToString().TrimEnd('/') + "/console/";
    public string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>The server, created (not started) by the derived fixture.</summary>
    protected abstract LaminaHost CreateHost();

    /// <summary>Seeds the started server (images, functions) before the browser starts.</summary>
    protected abstract Task SeedAsync();

    /// <summary>Anything left after the server stopped (sandboxes, cgroups); nothing by default.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"{Chromium} is missing: apt-get install -y chromium (./test.sh installs it)");
        Directory.CreateDirectory(ScreenshotDir);
        Host = CreateHost();
        await Host.StartAsync();
        await SeedAsync();
        _playwright = await Playwright.CreateAsync();
        // --no-sandbox: the tests run as root, where Chromium refuses its own sandbox.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A fresh browser context (no session) with a 1280×900 page at the console.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url);
        return page;
    }

    /// <summary>Logs in through the form with the server's keys and waits for the function list.</summary>
    public async Task<IPage> LoggedInPageAsync()
    {
        var page = await NewPageAsync();
        await page.FillAsync("#access-key", Host.Credentials.AccessKeyId);
        await page.FillAsync("#secret-key", Host.Credentials.SecretAccessKey);
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("body[data-page=functions]");
        return page;
    }

    /// <summary>AWS CLI v2 against this server; throws with its output when it fails.</summary>
    public Task<string> AwsAsync(params string[] args) => AwsTool.RunCheckedAsync(AwsTool.CliV2, Host, args);

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await CleanUpAsync();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
