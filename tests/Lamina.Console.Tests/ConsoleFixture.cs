using System.Text.Json;
using Lamina.Server;
using Microsoft.Playwright;

namespace Lamina.WebConsole.Tests;

/// <summary>
/// Once per class: a real Lamina server (auth on, port 0), three images pushed over /v2/ that share a base
/// layer, a function created, published and aliased with the AWS CLI v2, and headless Debian Chromium
/// driven by Playwright.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string FunctionName = "hello-console";
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-console-").FullName;
    private IPlaywright? _playwright;

    public LaminaHost Host { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public ImageSet Images { get; private set; } = null!;
    public string Url => Host.BaseAddress.ToString().TrimEnd('/') + "/console/";
    public string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        const string chromium = "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException($"{chromium} is missing: apt-get install -y chromium (./test.sh installs it)");
        Directory.CreateDirectory(ScreenshotDir);
        Host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = Path.Combine(_dir, "data"), AuthEnabled = true });
        await Host.StartAsync();
        Images = await ImageSet.PushAsync(Host);

        var imageUri = $"{Host.BaseAddress.Authority}/console/app:v1";
        await AwsAsync("lambda", "create-function", "--function-name", FunctionName, "--package-type", "Image",
            "--code", "ImageUri=" + imageUri, "--role", "arn:aws:iam::000000000000:role/lambda", "--memory-size", "256",
            "--timeout", "7", "--environment", "Variables={GREETING=hello}");
        for (var i = 0; i < 120 && (await AwsAsync("lambda", "get-function", "--function-name", FunctionName)).Contains("\"Pending\""); i++)
            await Task.Delay(250);
        await AwsAsync("lambda", "publish-version", "--function-name", FunctionName, "--description", "first");
        await AwsAsync("lambda", "create-alias", "--function-name", FunctionName, "--name", "live", "--function-version", "1");

        _playwright = await Playwright.CreateAsync();
        // --no-sandbox: the tests run as root, where Chromium refuses its own sandbox.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
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
    public Task<string> AwsAsync(params string[] args) => AwsCli.RunAsync(Host, args);

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
