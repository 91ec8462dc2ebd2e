using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>What the sandbox runs and with which environment, end to end through runc.</summary>
public sealed class ProcessTests
{
    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Runs_the_agent_then_the_image_command_with_overrides_and_lambda_environment(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var request = new SandboxRequest(
            SandboxHarness.NewId(), TestImage.Layers,
            new ImageProcessConfig(["/bin/entry-from-image"], ["cmd-from-image"], "/nonexistent", ["FROM_IMAGE=yes"]),
            new ImageConfigOverrides(["/bin/sh", "-c"], ["pwd; env; echo done"], "/var/task"),
            new LambdaEnvironment("probe-fn", "3", "eu-central-1", "app.handler"),
            new Dictionary<string, string> { ["USER_VAR"] = "from-function", ["AWS_REGION"] = "ignored" },
            MemoryMb: 256)
        {
            Agent = new AgentMount(TestImage.ProbeHostPath, "/opt/lamina/lamina-init"),
            InitPrefix = ["/opt/lamina/lamina-init", "args"],
        };
        var (exit, output) = await h.RunAsync(request);
        Assert.Equal(SandboxExitReason.Exited, exit.Reason);
        // The agent (here the probe printing its argv) receives the resolved runtime command.
        Assert.Contains("arg[0]=/opt/lamina/lamina-init", output);
        Assert.Contains("arg[2]=/bin/sh", output);
        Assert.Contains("arg[3]=-c", output);
        Assert.Contains("arg[4]=pwd; env; echo done", output);

        request = request with { Id = SandboxHarness.NewId(), InitPrefix = [] };
        (_, output) = await h.RunAsync(request);
        var lines = output.Split('\n');
        Assert.Equal("/var/task", lines[0]);
        Assert.Contains("FROM_IMAGE=yes", lines);
        Assert.Contains("USER_VAR=from-function", lines);
        Assert.Contains("AWS_REGION=eu-central-1", lines);
        Assert.Contains("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", lines);
        Assert.Contains("AWS_LAMBDA_FUNCTION_VERSION=3", lines);
        Assert.Contains("AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001", lines);
        Assert.Contains("done", lines);
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task The_control_directory_is_shared_with_the_host_and_writable_by_the_sandbox_user(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var sandbox = await h.StartAsync("/bin/sh", "-c", "echo from-sandbox > /run/lamina/hello && echo written");
        await h.Manager.WaitForExitAsync(sandbox).WaitAsync(SandboxHarness.Patience);
        Assert.Contains("written", SandboxHarness.Output(sandbox));
        Assert.Equal("from-sandbox\n", await File.ReadAllTextAsync(Path.Combine(sandbox.ControlDirectory, "hello")));
    }

    [Theory]
    [MemberData(nameof(Runtimes.Both), MemberType = typeof(Runtimes))]
    public async Task Host_network_mode_shares_the_host_interfaces(OciRuntime runtime)
    {
        await using var h = new SandboxHarness(runtime: runtime);
        var hostInterfaces = Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order().ToArray();
        var (_, output) = await h.RunAsync(SandboxHarness.Request("/bin/sh", "-c", "cat /proc/net/dev") with { Network = NetworkMode.Host });
        foreach (var name in hostInterfaces) Assert.Contains(name + ":", output);
    }
}
