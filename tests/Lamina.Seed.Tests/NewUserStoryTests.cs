using System.Text.Json;
using Lamina.Seed.Tests.Fixtures;

namespace Lamina.Seed.Tests;

/// <summary>
/// The new user's story from the terminal, every step a separate <c>lamina</c> process against a <c>lamina server</c>
/// process: deploy the Python sample, invoke (cold start), follow the logs, change the code and deploy again, publish
/// versions, point an alias, roll it back, remove the function.
/// </summary>
public sealed class NewUserStoryTests(StoryServer server) : IClassFixture<StoryServer>
{
    private const string Name = "story";

    [Fact]
    public async Task Deploy_invoke_follow_logs_update_roll_back_and_remove()
    {
        var context = Path.Combine(server.Dir, "app");
        SeedServer.CopyFiles(Path.Combine(SeedServer.Samples, "python-hello"), context);

        var deploy = await DeployAsync(context);
        Assert.Contains("Created arn:aws:lambda:", deploy.Stdout, StringComparison.Ordinal);

        // Follow the logs from before the first invoke: START/END/REPORT arrive while it runs.
        await using (var follow = await server.StartAsync("logs", Name, "--follow"))
        {
            var first = await Ok("invoke", Name);
            Assert.StartsWith("\"Hello from AWS Lambda using Python3.11", first.Stdout, StringComparison.Ordinal);
            Assert.Contains("cold start (Init Duration", first.Stderr, StringComparison.Ordinal);
            for (var i = 0; i < 240 && !follow.Stdout.Contains("REPORT RequestId", StringComparison.Ordinal); i++) await Task.Delay(500);
            Assert.Contains("START RequestId", follow.Stdout, StringComparison.Ordinal);
            Assert.Contains("END RequestId", follow.Stdout, StringComparison.Ordinal);
            Assert.Contains("REPORT RequestId", follow.Stdout, StringComparison.Ordinal);
            Assert.False(follow.HasExited, "logs --follow stopped by itself: " + follow.Stderr);
        }

        var v1 = await Ok("functions", "publish", Name, "--description", "first");
        Assert.Contains("Published version 1 of story", v1.Stdout, StringComparison.Ordinal);
        Assert.Contains("(created)", (await Ok("alias", "set", Name, "live", "1")).Stdout, StringComparison.Ordinal);

        // Change the code and deploy again: $LATEST answers the new message.
        var app = Path.Combine(context, "app.py");
        await File.WriteAllTextAsync(app, (await File.ReadAllTextAsync(app)).Replace("Hello from", "Hello again from", StringComparison.Ordinal));
        Assert.Contains("Updated arn:aws:lambda:", (await DeployAsync(context)).Stdout, StringComparison.Ordinal);
        Assert.StartsWith("\"Hello again from", (await Ok("invoke", Name)).Stdout, StringComparison.Ordinal);

        Assert.Contains("Published version 2", (await Ok("functions", "publish", Name)).Stdout, StringComparison.Ordinal);
        Assert.Contains("→ version 2 (was 1)", (await Ok("alias", "set", Name, "live", "2")).Stdout, StringComparison.Ordinal);
        Assert.StartsWith("\"Hello again from", (await Ok("invoke", Name, "--qualifier", "live")).Stdout, StringComparison.Ordinal);

        // Roll back: the alias points at version 1 again, and answers the old message.
        Assert.Contains("→ version 1 (was 2)", (await Ok("alias", "set", Name, "live", "1")).Stdout, StringComparison.Ordinal);
        var rolledBack = await Ok("invoke", Name, "--qualifier", "live");
        Assert.StartsWith("\"Hello from AWS Lambda", rolledBack.Stdout, StringComparison.Ordinal);
        var aliases = JsonDocument.Parse((await Ok("alias", "ls", Name, "--output", "json")).Stdout).RootElement.GetProperty("aliases");
        Assert.Equal("1", Assert.Single(aliases.EnumerateArray()).GetProperty("FunctionVersion").GetString());
        var versions = JsonDocument.Parse((await Ok("functions", "versions", Name, "--output", "json")).Stdout).RootElement.GetProperty("versions");
        Assert.Equal(["$LATEST", "1", "2"], versions.EnumerateArray().Select(v => v.GetProperty("Version").GetString()));

        // Bad input on the new commands changes nothing.
        var badVersion = await server.LaminaAsync("alias", "set", Name, "live", "latest-ish");
        Assert.True(badVersion.ExitCode == 2, badVersion.ToString());
        Assert.Contains("version number or $LATEST", badVersion.Stderr, StringComparison.Ordinal);
        var noVersion = await server.LaminaAsync("alias", "set", Name, "live", "9");
        Assert.True(noVersion.ExitCode == 1, noVersion.ToString());
        Assert.StartsWith("\"Hello from AWS Lambda", (await Ok("invoke", Name, "--qualifier", "live")).Stdout, StringComparison.Ordinal);

        Assert.Contains("Deleted function story", (await Ok("functions", "rm", Name)).Stdout, StringComparison.Ordinal);
        var gone = await server.LaminaAsync("invoke", Name);
        Assert.True(gone.ExitCode == 1, gone.ToString());
        Assert.Contains("ResourceNotFoundException", gone.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Name, (await Ok("functions", "ls")).Stdout, StringComparison.Ordinal);
    }

    private async Task<Lamina.Cli.Tests.CliRunner.Result> DeployAsync(string context)
    {
        var r = await server.LaminaAsync("deploy", Name, context, "--build-arg", "REGISTRY=" + server.Authority, "--cache-dir", server.BuildCache, "--timeout", "30");
        Assert.True(r.ExitCode == 0, $"lamina deploy: {r}");
        return r;
    }

    private async Task<Lamina.Cli.Tests.CliRunner.Result> Ok(params string[] args)
    {
        var r = await server.LaminaAsync(args);
        Assert.True(r.ExitCode == 0, $"lamina {string.Join(' ', args)}: {r}");
        return r;
    }
}
