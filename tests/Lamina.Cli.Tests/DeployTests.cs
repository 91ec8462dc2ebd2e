using System.Text.Json;

namespace Lamina.Cli.Tests;

/// <summary>
/// lamina deploy / invoke / logs as processes against a real server with execution on: deploy --image creates and
/// waits Active, invoke reports the cold start once, logs prints the platform lines (and follows), redeploy updates
/// the configuration.
/// </summary>
public sealed class DeployTests(DeployFixture server) : IClassFixture<DeployFixture>
{
    [Fact]
    public async Task Deploy_invoke_logs_and_redeploy_with_new_memory()
    {
        var deploy = await server.LaminaAsync("deploy", "wf", "--image", "cli/echo:v1", "--timeout", "5");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.Contains("Created arn:aws:lambda:", deploy.Stdout, StringComparison.Ordinal);
        Assert.Contains(":function:wf", deploy.Stdout, StringComparison.Ordinal);
        Assert.Contains("digest  sha256:", deploy.Stdout, StringComparison.Ordinal);
        Assert.Contains("wait Active", deploy.Stdout, StringComparison.Ordinal);
        var state = JsonDocument.Parse((await server.LaminaAsync("functions", "inspect", "wf")).Stdout).RootElement.GetProperty("Configuration");
        Assert.Equal("Active", state.GetProperty("State").GetString());

        var first = await server.LaminaAsync("invoke", "wf", "--payload", """{"hello":"cli"}""");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("\"hello\":\"cli\"", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("cold start (Init Duration", first.Stderr, StringComparison.Ordinal);
        var second = await server.LaminaAsync("invoke", "wf", "--payload", "{}");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain("cold start", second.Stderr, StringComparison.Ordinal);
        Assert.Contains("warm", second.Stderr, StringComparison.Ordinal);

        // Function output reaches the logs store through a queue: poll until both invocations' REPORT lines are in.
        CliRunner.Result logs = null!;
        for (var i = 0; i < 60; i++)
        {
            logs = await server.LaminaAsync("logs", "wf");
            if (logs.ExitCode == 0 && CountOf(logs.Stdout, "REPORT RequestId") >= 2) break;
            await Task.Delay(500);
        }
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Contains("START RequestId", logs.Stdout, StringComparison.Ordinal);
        Assert.Contains("END RequestId", logs.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(logs.Stdout, "REPORT RequestId"));
        Assert.Equal(1, CountOf(logs.Stdout, "Init Duration"));

        var asJson = await server.LaminaAsync("logs", "wf", "--output", "json", "--filter", "REPORT");
        Assert.True(asJson.ExitCode == 0, asJson.ToString());
        var lines = asJson.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("REPORT", JsonDocument.Parse(l).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal));

        var redeploy = await server.LaminaAsync("deploy", "wf", "--image", "cli/echo:v1", "--memory", "256", "--env", "MODE=test");
        Assert.True(redeploy.ExitCode == 0, redeploy.ToString());
        Assert.Contains("Updated arn:aws:lambda:", redeploy.Stdout, StringComparison.Ordinal);
        Assert.Contains("update configuration", redeploy.Stdout, StringComparison.Ordinal);
        var updated = JsonDocument.Parse((await server.LaminaAsync("functions", "inspect", "wf")).Stdout).RootElement.GetProperty("Configuration");
        Assert.Equal(256, updated.GetProperty("MemorySize").GetInt32());
        Assert.Equal(5, updated.GetProperty("Timeout").GetInt32());
        Assert.Equal("test", updated.GetProperty("Environment").GetProperty("Variables").GetProperty("MODE").GetString());
        Assert.Equal("Successful", updated.GetProperty("LastUpdateStatus").GetString());
    }

    [Fact]
    public async Task Logs_follow_prints_a_later_invocation()
    {
        var deploy = await server.LaminaAsync("deploy", "fol", "--image", "cli/echo:v1", "--output", "json");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.Equal("Active", JsonDocument.Parse((await server.LaminaAsync("functions", "inspect", "fol")).Stdout)
            .RootElement.GetProperty("Configuration").GetProperty("State").GetString());

        // Started before the function ever ran: following waits for the log group to appear.
        await using var follow = await server.StartAsync("logs", "fol", "--follow");
        await Task.Delay(1500);
        Assert.False(follow.HasExited, "logs --follow exited early: " + follow.Stderr);
        var invoke = await server.LaminaAsync("invoke", "fol", "--payload", "{}");
        Assert.True(invoke.ExitCode == 0, invoke.ToString());
        for (var i = 0; i < 120 && !follow.Stdout.Contains("REPORT RequestId", StringComparison.Ordinal); i++) await Task.Delay(500);
        Assert.Contains("START RequestId", follow.Stdout, StringComparison.Ordinal);
        Assert.Contains("REPORT RequestId", follow.Stdout, StringComparison.Ordinal);
        await Task.Delay(2500); // a few more polls: each event is printed once
        Assert.Equal(1, CountOf(follow.Stdout, "REPORT RequestId"));
        Assert.False(follow.HasExited);
    }

    [Fact]
    public async Task Logs_read_and_follow_the_functions_custom_log_group()
    {
        var deploy = await server.LaminaAsync("deploy", "grouped", "--image", "cli/echo:v1", "--output", "json");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        var update = await AwsTool.RunV1Async(server.Host, "lambda", "update-function-configuration", "--function-name", "grouped",
            "--logging-config", "LogFormat=Text,LogGroup=/custom/cli-grouped");
        Assert.True(update.ExitCode == 0, update.ToString());
        var wait = await server.AwsAsync("lambda", "wait", "function-updated-v2", "--function-name", "grouped");
        Assert.True(wait.ExitCode == 0, wait.ToString());

        // Never run since: the error names the configured group, not /aws/lambda/grouped.
        var never = await server.LaminaAsync("logs", "grouped");
        Assert.Equal(1, never.ExitCode);
        Assert.Contains("no log group /custom/cli-grouped", never.Stderr, StringComparison.Ordinal);

        await using var follow = await server.StartAsync("logs", "grouped", "--follow");
        var invoke = await server.LaminaAsync("invoke", "grouped", "--payload", """{"to":"custom"}""");
        Assert.True(invoke.ExitCode == 0, invoke.ToString());
        for (var i = 0; i < 120 && !follow.Stdout.Contains("REPORT RequestId", StringComparison.Ordinal); i++) await Task.Delay(500);
        Assert.True(follow.Stdout.Contains("REPORT RequestId", StringComparison.Ordinal), "logs --follow printed no REPORT: " + follow.Stdout + follow.Stderr);
        Assert.Contains("START RequestId", follow.Stdout, StringComparison.Ordinal);

        var once = await server.LaminaAsync("logs", "arn:aws:lambda:us-east-1:000000000000:function:grouped", "--filter", "REPORT");
        Assert.True(once.ExitCode == 0, once.ToString());
        Assert.Equal(1, CountOf(once.Stdout, "REPORT RequestId"));
        // The store wrote nothing to the default group: the lines above can only have come from the custom one.
        var groups = await server.AwsAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/lambda/grouped");
        Assert.True(groups.ExitCode == 0, groups.ToString());
        Assert.Empty(JsonDocument.Parse(groups.Stdout).RootElement.GetProperty("logGroups").EnumerateArray());
    }

    [Fact]
    public async Task Deploying_a_missing_image_fails_with_the_reason()
    {
        var r = await server.LaminaAsync("deploy", "nope", "--image", "cli/missing:v9");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("cli/missing", r.Stderr + r.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("lamina: ", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_of_an_unknown_function_and_of_one_never_invoked_say_so()
    {
        var unknown = await server.LaminaAsync("logs", "no-such-function");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("function 'no-such-function' does not exist", unknown.Stderr, StringComparison.Ordinal);

        var deploy = await server.LaminaAsync("deploy", "quiet", "--image", "cli/echo:v1");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        var never = await server.LaminaAsync("logs", "quiet");
        Assert.Equal(1, never.ExitCode);
        Assert.Contains("invoke it first", never.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_pull_report_needs_credentials_and_summarises_the_pull_once_Active()
    {
        var deploy = await server.LaminaAsync("deploy", "pulled", "--image", "cli/echo:v1");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.Matches(@"Pulled and unpacked: [1-9][0-9]* layers", deploy.Stdout);

        using var http = new HttpClient { BaseAddress = server.Host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using (var anonymous = await http.GetAsync("/lamina/api/v1/functions/pulled/image-pull"))
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var c = server.Host.Credentials;
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{c.AccessKeyId}:{c.SecretAccessKey}")));
        using (var missing = await http.GetAsync("/lamina/api/v1/functions/no-such-fn/image-pull"))
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        var report = JsonDocument.Parse(await http.GetStringAsync("/lamina/api/v1/functions/pulled/image-pull")).RootElement;
        Assert.Equal("Active", report.GetProperty("state").GetString());
        var pull = report.GetProperty("pull");
        Assert.Equal("done", pull.GetProperty("phase").GetString());
        Assert.True(pull.GetProperty("layersTotal").GetInt32() > 0, report.ToString());
        Assert.Equal(pull.GetProperty("layersTotal").GetInt32(), pull.GetProperty("layersDone").GetInt32());
        Assert.Equal(pull.GetProperty("bytesTotal").GetInt64(), pull.GetProperty("bytesDone").GetInt64());
        Assert.StartsWith("sha256:", pull.GetProperty("digest").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_flags_are_usage_errors_and_change_nothing()
    {
        var env = await server.LaminaAsync("deploy", "bad", "--image", "cli/echo:v1", "--env", "NOEQUALS");
        Assert.Equal(2, env.ExitCode);
        Assert.Contains("KEY=VALUE", env.Stderr, StringComparison.Ordinal);
        var since = await server.LaminaAsync("logs", "bad", "--since", "yesterday-ish");
        Assert.Equal(2, since.ExitCode);
        Assert.Contains("--since", since.Stderr, StringComparison.Ordinal);
        var noDockerfile = await server.LaminaAsync("deploy", "bad", Path.GetTempPath() + "/lamina-no-such-context");
        Assert.Equal(2, noDockerfile.ExitCode);
        var gone = await server.LaminaAsync("functions", "inspect", "bad");
        Assert.Equal(1, gone.ExitCode);
    }

    [Fact]
    public async Task Deploy_on_a_terminal_draws_its_wait_display_and_prints_the_summary_without_one_no_escape_sequence()
    {
        var tty = await PtyRunner.RunAsync(["deploy", "ptywf", "--image", "cli/echo:v1", "--endpoint", server.Endpoint, "--data-dir", server.DataDir]);
        var shown = PtyRunner.Visible(tty.Stdout);
        Assert.True(tty.ExitCode == 0, tty + "\n" + shown);
        // The waiter's live display on the terminal: the cursor hidden while it draws, shown again after it is cleared.
        Assert.Contains("\x1b[?25l", tty.Stdout, StringComparison.Ordinal);
        Assert.Contains("\x1b[?25h", tty.Stdout, StringComparison.Ordinal);
        Assert.Contains("Created arn:aws:lambda:", tty.Stdout, StringComparison.Ordinal);
        Assert.Contains("wait Active", tty.Stdout, StringComparison.Ordinal);

        var plain = await server.LaminaAsync("deploy", "ptywf", "--image", "cli/echo:v1", "--memory", "192");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("Updated arn:aws:lambda:", plain.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\x1b", plain.Stdout + plain.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_down_is_exit_3_with_a_hint()
    {
        var endpoint = $"http://127.0.0.1:{RunProcess.FreePort()}";
        foreach (var args in new[] { new[] { "deploy", "x", "--image", "cli/echo:v1" }, ["logs", "x"], ["invoke", "x"] })
        {
            var r = await CliRunner.RunAsync([.. args, "--endpoint", endpoint, "--data-dir", server.DataDir]);
            Assert.True(r.ExitCode == 3, r.ToString());
            Assert.Contains("cannot reach Lamina", r.Stderr, StringComparison.Ordinal);
        }
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
