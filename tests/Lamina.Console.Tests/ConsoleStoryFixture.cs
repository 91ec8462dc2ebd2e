using Lamina.Environments.Tests.Fixtures;
using Lamina.Scheduler;
using Lamina.Scheduler.Tests.Fixtures;
using Lamina.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Lamina.WebConsole.Tests;

/// <summary>
/// The console story's server: execution on (short temp path: control sockets stop at 107 bytes), the echo test
/// image in two variants pushed by skopeo, function "story" created from "one", version 1 published with alias
/// "live" → 1, then its code updated to "two" (the AWS CLI v2); headless Debian Chromium.
/// </summary>
public sealed class ConsoleStoryFixture : IAsyncLifetime
{
    public const string FunctionName = "story";
    private readonly string _dir = Directory.CreateTempSubdirectory("lcs-").FullName;
    private readonly string _cgroupParent = "lamina-consoletest-" + Guid.NewGuid().ToString("N")[..10];
    private IPlaywright? _playwright;

    public LaminaHost Host { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string Url => Host.BaseAddress.ToString().TrimEnd('/') + "/console/";
    public string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");
    private string DataDir => Path.Combine(_dir, "d");

    public async Task InitializeAsync()
    {
        const string chromium = "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException($"{chromium} is missing: apt-get install -y chromium (./test.sh installs it)");
        Directory.CreateDirectory(ScreenshotDir);
        var agent = AgentBinary.Path;
        Host = LaminaHost.Create(new LaminaOptions
        {
            Port = 0, DataDir = DataDir, AuthEnabled = true,
            Execution = new ExecutionOptions { Enabled = true, AgentBinary = agent, IdleTimeout = TimeSpan.FromMinutes(10), CgroupParent = _cgroupParent },
        }, l => l.SetMinimumLevel(LogLevel.Warning));
        await Host.StartAsync();
        var c = Host.Credentials;
        foreach (var variant in new[] { "one", "two" })
        {
            var layout = Path.Combine(_dir, "layout-" + variant);
            TestImage.WriteLayout(layout, agent, variant, variant);
            Tool.Run("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", $"{c.AccessKeyId}:{c.SecretAccessKey}",
                $"oci:{layout}:{variant}", $"docker://{Host.BaseAddress.Authority}/story/echo:{variant}");
        }
        var image = $"{Host.BaseAddress.Authority}/story/echo:";
        await AwsAsync("lambda", "create-function", "--function-name", FunctionName, "--package-type", "Image", "--code", "ImageUri=" + image + "one",
            "--role", "arn:aws:iam::000000000000:role/lambda", "--timeout", "30");
        await AwsAsync("lambda", "wait", "function-active-v2", "--function-name", FunctionName);
        await AwsAsync("lambda", "publish-version", "--function-name", FunctionName, "--description", "one");
        await AwsAsync("lambda", "create-alias", "--function-name", FunctionName, "--name", "live", "--function-version", "1");
        await AwsAsync("lambda", "update-function-code", "--function-name", FunctionName, "--image-uri", image + "two");
        await AwsAsync("lambda", "wait", "function-updated-v2", "--function-name", FunctionName);

        _playwright = await Playwright.CreateAsync();
        // --no-sandbox: the tests run as root, where Chromium refuses its own sandbox.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A fresh 1280×900 page, logged in through the form with the server's keys, on the function list.</summary>
    public async Task<IPage> LoggedInPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url);
        await page.FillAsync("#access-key", Host.Credentials.AccessKeyId);
        await page.FillAsync("#secret-key", Host.Credentials.SecretAccessKey);
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("body[data-page=functions]");
        return page;
    }

    public Task<string> AwsAsync(params string[] args) => AwsCli.RunAsync(Host, args);

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Leftovers.CleanAsync(DataDir, _cgroupParent);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
