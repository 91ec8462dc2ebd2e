using System.Text;
using System.Text.Json;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Sandbox;

namespace Lamina.Environments.Tests;

/// <summary>
/// The whole path with real components: image pushed by skopeo into Lamina's registry, pulled and
/// unpacked by the image store, run by runc under the NativeAOT lamina-init, invoked over the control socket.
/// </summary>
public sealed class RealImageTests(PulledImageFixture image) : IClassFixture<PulledImageFixture>
{
    private static readonly FunctionConfig Echo = new("echo-fn", MemoryMb: 256, TimeoutSeconds: 30);

    private static byte[] Json(string s) => Encoding.UTF8.GetBytes(s);

    private static JsonElement Parse(InvokeResult r) => JsonDocument.Parse(r.Payload).RootElement;

    [Fact]
    public async Task Invokes_answer_and_warm_invokes_reuse_the_runtime_with_the_sandbox_frozen_between_them()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var env = await h.StartAsync(image, Echo);
        Assert.Equal(SandboxState.Frozen, env.Sandbox.State);
        Assert.Equal("FROZEN", h.FreezerState(env));

        int? pid = null;
        for (var i = 1; i <= 3; i++)
        {
            var (result, error) = await env.InvokeAsync(Json($$"""{"n":{{i}}}"""), $"req-{i}");
            Assert.Null(error);
            Assert.Equal(200, result!.StatusCode);
            Assert.Null(result.FunctionError);
            Assert.Equal($"req-{i}", result.RequestId);
            var body = Parse(result);
            Assert.Equal(i, body.GetProperty("echo").GetProperty("n").GetInt32());
            Assert.Equal(i, body.GetProperty("count").GetInt32()); // same process served every invoke
            pid ??= body.GetProperty("pid").GetInt32();
            Assert.Equal(pid, body.GetProperty("pid").GetInt32());
            // Thawed for the invoke (a frozen agent could not have answered), frozen again after answering.
            await env.SettledAsync();
            Assert.Equal(SandboxState.Frozen, env.Sandbox.State);
            Assert.Equal("FROZEN", h.FreezerState(env));
        }
        var log = File.ReadAllText(env.Sandbox.StdoutPath) + File.ReadAllText(env.Sandbox.StderrPath);
        Assert.Contains("REPORT RequestId: req-3", log);
        Assert.Contains("echo-runtime: pid", log);
    }

    [Fact]
    public async Task The_image_config_and_lambda_variables_reach_the_runtime()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var env = await h.StartAsync(image, Echo with { Variables = new Dictionary<string, string> { ["MY_VAR"] = "v" } });
        var spec = JsonDocument.Parse(File.ReadAllText(Path.Combine(h.Manager.Layout.Bundle(env.Sandbox.Id), "config.json"))).RootElement;
        var process = spec.GetProperty("process");
        var args = process.GetProperty("args").EnumerateArray().Select(a => a.GetString() ?? "").ToArray();
        // lamina-init installs the precompiled seccomp filter (Execution:SeccompInAgent, default): the spec carries none.
        Assert.Equal(["/opt/lamina/lamina-init", "--seccomp", "/opt/lamina/lamina-init.seccomp", "--control-socket", "/run/lamina/control.sock", "--", "/var/task/bootstrap"], args);
        Assert.False(spec.GetProperty("linux").TryGetProperty("seccomp", out _));
        Assert.Equal("/var/task", process.GetProperty("cwd").GetString());
        var vars = process.GetProperty("env").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Contains("FROM_IMAGE=yes", vars);
        Assert.Contains("MY_VAR=v", vars);
        Assert.Contains("AWS_LAMBDA_FUNCTION_TIMEOUT=30", vars);
        Assert.Contains("AWS_LAMBDA_FUNCTION_NAME=echo-fn", vars);
        var (result, error) = await env.InvokeAsync(Json("\"hello\""));
        Assert.Null(error);
        Assert.Equal("hello", Parse(result!).GetProperty("echo").GetString());
    }

    [Fact]
    public async Task A_handler_crash_is_runtime_exit_error_and_the_next_invoke_reinitialises()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var env = await h.StartAsync(image, Echo);
        var (first, _) = await env.InvokeAsync(Json("\"before\""));
        var firstPid = Parse(first!).GetProperty("pid").GetInt32();

        var (crash, error) = await env.InvokeAsync(Json("\"crash\""));
        Assert.Null(error);
        Assert.Equal("Unhandled", crash!.FunctionError);
        var payload = Parse(crash);
        Assert.Equal("Runtime.ExitError", payload.GetProperty("errorType").GetString());
        Assert.Contains("exit status 3", payload.GetProperty("errorMessage").GetString());
        await env.SettledAsync();
        Assert.Equal("FROZEN", h.FreezerState(env));

        var (after, afterError) = await env.InvokeAsync(Json("\"after\""));
        Assert.Null(afterError);
        var body = Parse(after!);
        Assert.Equal("after", body.GetProperty("echo").GetString());
        Assert.Equal(1, body.GetProperty("count").GetInt32()); // a fresh runtime process
        Assert.NotEqual(firstPid, body.GetProperty("pid").GetInt32());
    }

    [Fact]
    public async Task A_timeout_is_sandbox_timedout_and_the_next_invoke_reinitialises()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var env = await h.StartAsync(image, Echo with { TimeoutSeconds = 2 });
        var (timedOut, error) = await env.InvokeAsync(Json("\"hang\""));
        Assert.Null(error);
        Assert.Equal(408, timedOut!.StatusCode);
        var payload = Parse(timedOut);
        Assert.Equal("Sandbox.Timedout", payload.GetProperty("errorType").GetString());
        Assert.Contains("Task timed out after 2.00 seconds", payload.GetProperty("errorMessage").GetString());

        var (after, afterError) = await env.InvokeAsync(Json("\"after\""));
        Assert.Null(afterError);
        Assert.Equal(200, after!.StatusCode);
        Assert.Equal(1, Parse(after).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Destroy_leaves_nothing_behind_and_keeps_the_image_snapshots()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var env = await h.StartAsync(image, Echo);
        var (r, _) = await env.InvokeAsync(Json("1"));
        Assert.Equal(200, r!.StatusCode);
        var id = env.Sandbox.Id;
        var pid = env.Sandbox.Pid;

        Assert.Null(await env.DestroyAsync());
        Assert.Equal(SandboxState.Destroyed, env.Sandbox.State);
        Assert.False(Directory.Exists(h.Manager.Layout.SandboxDirectory(id)));
        Assert.False(Directory.Exists(Path.Combine(h.Manager.Layout.RuncRoot, id)));
        Assert.Empty(h.CgroupLeftovers(id));
        Assert.False(Directory.Exists($"/proc/{pid}") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("lamina-init"));
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(h.DataDirectory));
        Assert.All(image.Image.Layers, l => Assert.True(Directory.Exists(l.Path), l.Path));

        var (gone, goneError) = await env.InvokeAsync(Json("2"));
        Assert.Null(gone);
        Assert.Equal(EnvironmentErrorCode.Gone, goneError!.Code);
    }
}
