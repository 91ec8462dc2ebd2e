using System.Text.Json;
using Lamina.Seed.Tests.Fixtures;

namespace Lamina.Seed.Tests;

/// <summary>
/// The seed documents' workflow end to end, through every real part: Lamina's base images published by
/// <c>lamina runtimes publish</c>, the samples built and pushed by <c>lamina build</c>, then the real AWS CLI v2:
/// ecr create-repository, lambda create-function (Image), wait, invoke, update-function-code, invoke, logs tail.
/// </summary>
[Collection(SeedCollection.Name)]
public sealed class SeedWorkflowTests(SeedServer server)
{
    [Fact]
    public async Task Python_hello_is_built_deployed_invoked_updated_and_logged_with_the_aws_cli()
    {
        var context = server.CopySample("python-hello");
        await server.AwsAsync("ecr", "create-repository", "--repository-name", "seed/python-hello");
        var image = $"{server.Authority}/seed/python-hello";
        await server.BuildAndPushAsync(context, image + ":v1");

        await CreateFunctionAsync("seed-python", image + ":v1");
        var first = await server.InvokeAsync("seed-python", "{}");
        Assert.True(first.Status == 200 && first.Error is null, $"invoke: {first}");
        Assert.StartsWith("\"Hello from AWS Lambda using Python3.11", first.Body, StringComparison.Ordinal);

        // Change the code: only the COPY layer (and the config) is new; the base's layers are reused and not re-sent.
        var app = Path.Combine(context, "app.py");
        await File.WriteAllTextAsync(app, (await File.ReadAllTextAsync(app)).Replace("Hello from", "Hello again from", StringComparison.Ordinal));
        var rebuild = await server.BuildAndPushAsync(context, image + ":v2");
        Assert.Contains("(2 blobs uploaded,", rebuild.Stdout + rebuild.Stderr, StringComparison.Ordinal);
        Assert.Single(StepLines(rebuild), l => l.Contains("COPY", StringComparison.Ordinal) && !l.Contains("CACHED", StringComparison.Ordinal));

        await server.AwsAsync("lambda", "update-function-code", "--function-name", "seed-python", "--image-uri", image + ":v2");
        await server.AwsAsync("lambda", "wait", "function-updated-v2", "--function-name", "seed-python");
        var second = await server.InvokeAsync("seed-python", "{}");
        Assert.True(second.Status == 200 && second.Error is null, $"invoke: {second}");
        Assert.StartsWith("\"Hello again from AWS Lambda using Python3.11", second.Body, StringComparison.Ordinal);

        var logs = await server.AwsAsync("logs", "tail", "/aws/lambda/seed-python", "--since", "1h");
        Assert.Contains("START RequestId:", logs, StringComparison.Ordinal);
        Assert.Contains("END RequestId:", logs, StringComparison.Ordinal);
        Assert.Contains("REPORT RequestId:", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_customer_returns_a_customer_card()
    {
        var image = $"{server.Authority}/seed/node-customer:v1";
        await server.BuildAndPushAsync(server.CopySample("node-customer"), image);
        await CreateFunctionAsync("seed-node", image);
        var r = await server.InvokeAsync("seed-node", "{}");
        Assert.True(r.Status == 200 && r.Error is null, $"invoke: {r}");
        var card = JsonDocument.Parse(r.Body).RootElement;
        Assert.Contains("@example.com", card.GetProperty("email").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(card.GetProperty("address").GetProperty("city").GetString()));
    }

    [Fact]
    public async Task Csharp_hello_greets_on_the_dotnet_image()
    {
        var context = server.CopySample("csharp-hello");
        SeedServer.CopyFiles(SeedServer.SampleBuildOutput("csharp-hello"), Path.Combine(context, "publish"));
        var image = $"{server.Authority}/seed/csharp-hello:v1";
        await server.BuildAndPushAsync(context, image);
        await CreateFunctionAsync("seed-csharp", image);
        var r = await server.InvokeAsync("seed-csharp", """{"name":"Ada"}""");
        Assert.True(r.Status == 200 && r.Error is null, $"invoke: {r}");
        var answer = JsonDocument.Parse(r.Body).RootElement;
        Assert.Contains("Ada", answer.GetProperty("Greeting").GetString(), StringComparison.Ordinal);
        Assert.Equal("seed-csharp", answer.GetProperty("FunctionName").GetString());
    }

    [Fact]
    public async Task Csharp_aot_bootstrap_runs_on_the_provided_image()
    {
        var context = server.CopySample("csharp-aot");
        Directory.CreateDirectory(Path.Combine(context, "publish"));
        File.Copy(Lamina.RuntimeSupport.Tests.Fixtures.AotSample.Path, Path.Combine(context, "publish", "bootstrap"));
        var image = $"{server.Authority}/seed/csharp-aot:v1";
        await server.BuildAndPushAsync(context, image);
        await CreateFunctionAsync("seed-aot", image);
        var r = await server.InvokeAsync("seed-aot", """{"name":"Grace"}""");
        Assert.True(r.Status == 200 && r.Error is null, $"invoke: {r}");
        Assert.Contains("Grace", r.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extension_sample_registers_subscribes_to_telemetry_and_records_platform_events()
    {
        var image = $"{server.Authority}/seed/extension-telemetry:v1";
        await server.BuildAndPushAsync(server.CopySample("extension-telemetry"), image);
        await CreateFunctionAsync("seed-extension", image);

        var first = await server.InvokeAsync("seed-extension", "{}");
        Assert.True(first.Status == 200 && first.Error is null, $"invoke: {first}");
        var types = EventTypes(first.Body);
        // Registered and subscribed during init, before the runtime answered its first event.
        Assert.Equal(["registered", "subscribed"], types.Take(2));

        // The Telemetry API delivers the first invocation's platform events in a batch after it: a later invoke sees them.
        var seen = types;
        for (var i = 0; i < 20 && !(seen.Contains("platform.start") && seen.Contains("platform.report")); i++)
        {
            await Task.Delay(250);
            var next = await server.InvokeAsync("seed-extension", "{}");
            Assert.True(next.Status == 200 && next.Error is null, $"invoke: {next}");
            seen = EventTypes(next.Body);
        }
        Assert.Contains("platform.initStart", seen);
        Assert.Contains("platform.start", seen);
        Assert.Contains("platform.runtimeDone", seen);
        Assert.Contains("platform.report", seen);
    }

    private static List<string> EventTypes(string body)
    {
        var answer = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Hello from a function with an extension", answer.GetProperty("message").GetString());
        return [.. answer.GetProperty("extensionEvents").EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];
    }

    private async Task CreateFunctionAsync(string name, string imageUri)
    {
        await server.AwsAsync("lambda", "create-function", "--function-name", name, "--package-type", "Image",
            "--code", $"ImageUri={imageUri}", "--role", "arn:aws:iam::123456789012:role/x", "--timeout", "30");
        await server.AwsAsync("lambda", "wait", "function-active-v2", "--function-name", name);
        var state = JsonDocument.Parse(await server.AwsAsync("lambda", "get-function-configuration", "--function-name", name)).RootElement;
        Assert.Equal("Active", state.GetProperty("State").GetString());
    }

    /// <summary>The build's progress lines that name a step ("#N [N/TOTAL] …") or its CACHED mark.</summary>
    private static string[] StepLines(Lamina.Cli.Tests.CliRunner.Result r) =>
        [.. (r.Stdout + "\n" + r.Stderr).Split('\n').Where(l => l.StartsWith('#'))];
}
