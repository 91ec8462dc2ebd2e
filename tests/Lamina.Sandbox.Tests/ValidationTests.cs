using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>Bad requests get a clear error and leave nothing on the host.</summary>
public sealed class ValidationTests
{
    public static TheoryData<string, string> BadRequests() => new()
    {
        { "id", "Id" },
        { "layers-empty", "at least one" },
        { "layer-relative", "absolute path" },
        { "layer-colon", "absolute path without ':'" },
        { "layer-missing", "does not exist" },
        { "memory", "MemorySize" },
        { "ephemeral", "EphemeralStorage" },
        { "agent-missing", "Agent binary" },
        { "agent-proc", "Agent path" },
        { "no-command", "no ENTRYPOINT or CMD" },
        { "env-name", "Environment variable name" },
    };

    private static SandboxRequest Bad(string kind)
    {
        var r = SandboxHarness.Request("/bin/true");
        return kind switch
        {
            "id" => r with { Id = "Bad/Id" },
            "layers-empty" => r with { Layers = [] },
            "layer-relative" => r with { Layers = ["relative/dir"] },
            "layer-colon" => r with { Layers = ["/tmp/a:b"] },
            "layer-missing" => r with { Layers = ["/nonexistent-" + Guid.NewGuid()] },
            "memory" => r with { MemoryMb = 64 },
            "ephemeral" => r with { EphemeralStorageMb = 20000 },
            "agent-missing" => r with { Agent = new AgentMount("/nonexistent-agent") },
            "agent-proc" => r with { Agent = new AgentMount(TestImage.ProbeHostPath, "/proc/self/../x") },
            "no-command" => r with { Image = new ImageProcessConfig(null, null, null, null), InitPrefix = [] },
            "env-name" => r with { Environment = new Dictionary<string, string> { ["A=B"] = "x" } },
            _ => throw new ArgumentException(kind),
        };
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_request_is_refused_with_a_clear_error_and_nothing_created(string kind, string messagePart)
    {
        await using var h = new SandboxHarness();
        var request = Bad(kind);
        var result = await h.Manager.CreateAsync(request);
        Assert.False(result.Ok);
        Assert.Equal(SandboxErrorCode.InvalidRequest, result.Error.Code);
        Assert.Contains(messagePart, result.Error.Message);
        Assert.False(Directory.Exists(h.Manager.Layout.SandboxesDirectory));
    }

    [Fact]
    public async Task Too_many_long_layer_paths_are_refused_before_runc_and_cleaned_up()
    {
        await using var h = new SandboxHarness();
        var deep = Path.Combine(h.DataDirectory, "layers", new string('l', 200));
        var layers = Enumerable.Range(0, 25).Select(i => Directory.CreateDirectory(deep + i).FullName).ToList();
        var request = SandboxHarness.Request("/bin/true") with { Layers = layers };
        var result = await h.Manager.CreateAsync(request);
        Assert.Equal(SandboxErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Contains("too long for one overlay mount", result.Error!.Message);
        LifecycleTests.AssertNothingLeft(h, request.Id);
    }

    [Fact]
    public async Task Duplicate_id_is_refused_and_the_first_sandbox_is_untouched()
    {
        await using var h = new SandboxHarness();
        var request = SandboxHarness.Request("/bin/probe", "sleep");
        var first = await h.StartAsync(request);
        var second = await h.Manager.CreateAsync(request);
        Assert.Equal(SandboxErrorCode.AlreadyExists, second.Error?.Code);
        Assert.Equal(SandboxState.Running, first.State);
        Assert.False(first.Exited.IsCompleted);
    }

    [Fact]
    public async Task A_missing_working_directory_fails_at_create_and_is_cleaned_up()
    {
        await using var h = new SandboxHarness();
        var request = SandboxHarness.Request("/bin/true") with { Overrides = new(null, null, "/does/not/exist") };
        var result = await h.Manager.CreateAsync(request);
        Assert.Equal(SandboxErrorCode.RuntimeFailed, result.Error?.Code);
        Assert.NotEmpty(result.Error!.Message);
        LifecycleTests.AssertNothingLeft(h, request.Id);
    }
}
