using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lamina.Sandbox;

namespace Lamina.Cli.Tests;

/// <summary>
/// <c>lamina run</c> as a real process: the environments' echo image pulled from a Lamina registry (auth on) or
/// read from an OCI layout, a real runc sandbox, the Invoke API on a loopback port, SIGTERM cleanup.
/// </summary>
public sealed class RunTests(RunFixture fixture) : IClassFixture<RunFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task Invokes_echo_reuse_the_runtime_a_crash_is_runtime_exit_error_and_sigterm_leaves_nothing()
    {
        var port = RunProcess.FreePort();
        await using var run = await fixture.StartAsync("-p", $"{port}:8080", "-e", "GREETING=hi", fixture.Reference);
        await run.WaitReadyAsync();

        var first = await InvokeAsync(port, """{"n":1}""");
        Assert.Equal(200, first.Status);
        Assert.Null(first.FunctionError);
        Assert.Equal(1, first.Body.GetProperty("echo").GetProperty("n").GetInt32());
        Assert.Equal(1, first.Body.GetProperty("count").GetInt32());
        var second = await InvokeAsync(port, """{"n":2}""");
        Assert.Equal(2, second.Body.GetProperty("count").GetInt32()); // the same runtime process served both
        Assert.Equal(first.Body.GetProperty("pid").GetInt32(), second.Body.GetProperty("pid").GetInt32());

        var crash = await InvokeAsync(port, """{"action":"crash"}""");
        Assert.Equal("Unhandled", crash.FunctionError);
        Assert.Equal("Runtime.ExitError", crash.Body.GetProperty("errorType").GetString());
        var after = await InvokeAsync(port, """{"n":3}""");
        Assert.Equal(200, after.Status);
        Assert.Null(after.FunctionError);
        Assert.Equal(1, after.Body.GetProperty("count").GetInt32()); // a fresh runtime after the crash

        var (dataDir, cgroupParent) = run.Host;
        Assert.True(Directory.Exists(dataDir), dataDir);
        Assert.Equal(0, await run.TerminateAsync());
        // The function's log went to the terminal as it happened.
        Assert.Contains("START RequestId:", run.Stdout);
        Assert.Contains("REPORT RequestId:", run.Stdout);
        Assert.Contains("echo-runtime: crashing on request", run.Stdout);
        // Nothing left behind: the sandbox directory, its mounts, its cgroups.
        Assert.False(Directory.Exists(dataDir), $"{dataDir} still exists");
        Assert.DoesNotContain(dataDir, await File.ReadAllTextAsync("/proc/self/mountinfo"));
        Assert.Empty(SandboxCgroups.ParentDirectories(cgroupParent));
        await Assert.ThrowsAsync<HttpRequestException>(() => Http.PostAsync($"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations", new StringContent("{}")));
    }

    [Fact]
    public async Task An_oci_layout_runs_with_a_cmd_override_and_function_variables()
    {
        var port = RunProcess.FreePort();
        await using var run = await fixture.StartAsync("-p", port.ToString(), "-e", "A=1", "--function-name", "echo-local",
            $"oci:{fixture.Layout}:v1", "/var/task/bootstrap", "handler.arg");
        await run.WaitReadyAsync();
        var result = await InvokeAsync(port, """{"from":"layout"}""", "any-name");
        Assert.Equal(200, result.Status);
        Assert.Equal("layout", result.Body.GetProperty("echo").GetProperty("from").GetString());
        Assert.Equal(0, await run.TerminateAsync());
        Assert.Contains($"lamina run: oci:{fixture.Layout}:v1 (sha256:", run.Stderr);
    }

    [Fact]
    public async Task Ctrl_C_to_the_process_group_destroys_the_environment_and_exits_0()
    {
        var port = RunProcess.FreePort();
        await using var run = await fixture.StartInOwnGroupAsync("-p", $"{port}:8080", "--timeout", "900", $"oci:{fixture.Layout}:v1");
        await run.WaitReadyAsync();
        Assert.Equal(200, (await InvokeAsync(port, "{}")).Status);
        var (dataDir, cgroupParent) = run.Host;
        // An invoke still running (the runtime sleeps) must not hold the shutdown up to its 900 s timeout.
        var hung = Http.PostAsync($"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations", new StringContent("""{"do":"hang"}"""));
        for (var i = 0; i < 600 && Regex.Count(run.Stdout, "START RequestId") < 2; i++) await Task.Delay(100);
        Assert.Equal(2, Regex.Count(run.Stdout, "START RequestId"));
        // The terminal sends SIGINT to every process of the foreground group, the agent's runc included.
        Assert.Equal(0, await run.InterruptGroupAsync());
        var hungAnswer = await Record.ExceptionAsync(async () => (await hung).EnsureSuccessStatusCode());
        Assert.NotNull(hungAnswer); // the caller got an error (502 or a closed connection), not a result
        Assert.Contains("destroying the environment", run.Stderr);
        Assert.False(Directory.Exists(dataDir), $"{dataDir} still exists");
        Assert.DoesNotContain(dataDir, await File.ReadAllTextAsync("/proc/self/mountinfo"));
        Assert.Empty(SandboxCgroups.ParentDirectories(cgroupParent));
    }

    private static async Task<(int Status, string? FunctionError, JsonElement Body)> InvokeAsync(int port, string json, string name = "function")
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Http.PostAsync($"http://127.0.0.1:{port}/2015-03-31/functions/{name}/invocations", content);
        var text = await response.Content.ReadAsStringAsync();
        var error = response.Headers.TryGetValues("X-Amz-Function-Error", out var v) ? v.First() : null;
        return ((int)response.StatusCode, error, JsonDocument.Parse(text).RootElement.Clone());
    }
}
