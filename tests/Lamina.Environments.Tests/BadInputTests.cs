using Lamina.Environments.Tests.Fixtures;

namespace Lamina.Environments.Tests;

/// <summary>Bad configuration gets a clear error and leaves no sandbox behind.</summary>
public sealed class BadInputTests(PulledImageFixture image) : IClassFixture<PulledImageFixture>
{
    [Fact]
    public async Task A_missing_agent_binary_is_invalid_configuration()
    {
        await using var h = new EnvironmentHarness("/nonexistent/lamina-init");
        var (env, error) = await h.Factory.StartAsync(EnvironmentHarness.NewId(), image.Image, new FunctionConfig("f"));
        Assert.Null(env);
        Assert.Equal(EnvironmentErrorCode.InvalidConfiguration, error!.Code);
        Assert.Contains("/nonexistent/lamina-init", error.Message);
    }

    [Theory]
    [InlineData("Bad_Id", 128)]
    [InlineData("ok-id", 64)]
    public async Task Invalid_sandbox_values_are_invalid_configuration_and_nothing_is_left(string id, int memory)
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var (env, error) = await h.Factory.StartAsync(id, image.Image, new FunctionConfig("f", MemoryMb: memory));
        Assert.Null(env);
        Assert.Equal(EnvironmentErrorCode.InvalidConfiguration, error!.Code);
        Assert.False(Directory.Exists(h.Manager.Layout.SandboxDirectory(id)));
    }

    [Fact]
    public async Task A_missing_entrypoint_fails_init_with_the_agents_error_and_is_destroyed()
    {
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var id = EnvironmentHarness.NewId();
        var function = new FunctionConfig("f") { ImageConfig = new Lamina.Sandbox.ImageConfigOverrides(["/var/task/missing"], null, null) };
        var (env, error) = await h.Factory.StartAsync(id, image.Image, function);
        Assert.Null(env);
        Assert.Equal(EnvironmentErrorCode.InitFailed, error!.Code);
        Assert.Contains("Runtime.InvalidEntrypoint", error.Message);
        Assert.False(Directory.Exists(h.Manager.Layout.SandboxDirectory(id)));
        Assert.Empty(h.CgroupLeftovers(id));
    }

    [Fact]
    public async Task An_image_without_glibc_runs_the_static_agent()
    {
        // Only the function layer (static runtime, no loader or libc): the agent is a static executable
        // (docs/agent.md), so the environment starts and initialises all the same.
        await using var h = new EnvironmentHarness(image.AgentBinary);
        var id = EnvironmentHarness.NewId();
        var scratch = image.Image with { Layers = [image.Image.Layers[^1]] };
        var (env, error) = await h.Factory.StartAsync(id, scratch, new FunctionConfig("f"));
        Assert.True(error is null, error?.Message);
        Assert.NotNull(env);
        await env.DisposeAsync();
    }
}
