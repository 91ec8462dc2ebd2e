using Lamina.Server;

namespace Lamina.WebConsole.Tests;

/// <summary>
/// Once per class: a real Lamina server (auth on, port 0), three images pushed over /v2/ that share a base
/// layer, a function created, published and aliased with the AWS CLI v2, and headless Debian Chromium
/// driven by Playwright (<see cref="BrowserFixture"/>).
/// </summary>
public sealed class ConsoleFixture() : BrowserFixture("lamina-console-")
{
    public const string FunctionName = "hello-console";

    public ImageSet Images { get; private set; } = null!;

    protected override LaminaHost CreateHost() =>
        LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = Path.Combine(Dir, "data"), AuthEnabled = true });

    protected override async Task SeedAsync()
    {
        Images = await ImageSet.PushAsync(Host);
        var imageUri = $"{Host.BaseAddress.Authority}/console/app:v1";
        await AwsAsync("lambda", "create-function", "--function-name", FunctionName, "--package-type", "Image",
            "--code", "ImageUri=" + imageUri, "--role", "arn:aws:iam::000000000000:role/lambda", "--memory-size", "256",
            "--timeout", "7", "--environment", "Variables={GREETING=hello}");
        for (var i = 0; i < 120 && (await AwsAsync("lambda", "get-function", "--function-name", FunctionName)).Contains("\"Pending\"", StringComparison.Ordinal); i++)
            await Task.Delay(250);
        await AwsAsync("lambda", "publish-version", "--function-name", FunctionName, "--description", "first");
        await AwsAsync("lambda", "create-alias", "--function-name", FunctionName, "--name", "live", "--function-version", "1");
    }
}
