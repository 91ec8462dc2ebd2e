using Lamina.Environments.Tests.Fixtures;
using Lamina.Scheduler;
using Lamina.Scheduler.Tests.Fixtures;
using Lamina.Server;
using Microsoft.Extensions.Logging;

namespace Lamina.WebConsole.Tests;

/// <summary>
/// The console story's server: execution on (short temp path: control sockets stop at 107 bytes), the echo test
/// image in two variants pushed by skopeo, function "story" created from "one", version 1 published with alias
/// "live" → 1, then its code updated to "two" (the AWS CLI v2); headless Debian Chromium (<see cref="BrowserFixture"/>).
/// </summary>
public sealed class ConsoleStoryFixture() : BrowserFixture("lcs-")
{
    public const string FunctionName = "story";
    private readonly string _cgroupParent = "lamina-consoletest-" + Guid.NewGuid().ToString("N")[..10];

    private string DataDir => Path.Combine(Dir, "d");

    protected override LaminaHost CreateHost() => LaminaHost.Create(new LaminaOptions
    {
        Port = 0, DataDir = DataDir, AuthEnabled = true,
        Execution = new ExecutionOptions { Enabled = true, AgentBinary = AgentBinary.Path, IdleTimeout = TimeSpan.FromMinutes(10), CgroupParent = _cgroupParent },
    }, l => l.SetMinimumLevel(LogLevel.Warning));

    protected override async Task SeedAsync()
    {
        var c = Host.Credentials;
        foreach (var variant in new[] { "one", "two" })
        {
            var layout = Path.Combine(Dir, "layout-" + variant);
            TestImage.WriteLayout(layout, AgentBinary.Path, variant, variant);
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
    }

    protected override Task CleanUpAsync() => Leftovers.CleanAsync(DataDir, _cgroupParent);
}
