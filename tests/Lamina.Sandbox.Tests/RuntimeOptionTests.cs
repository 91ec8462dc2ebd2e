using System.Text.Json;
using Lamina.Sandbox.Runc;
using Lamina.Sandbox.Spec;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>The runtime switch: names, paths, state roots, the crun spec adapter and a missing runtime binary.</summary>
public sealed class RuntimeOptionTests
{
    private static SandboxRequest Request() => SandboxHarness.Request("/bin/true") with { Id = "fn-1" };

    [Theory]
    [InlineData("runc", OciRuntime.Runc)]
    [InlineData("CRUN", OciRuntime.Crun)]
    [InlineData("crun", OciRuntime.Crun)]
    public void Names_parse_case_insensitively(string text, OciRuntime expected)
    {
        Assert.True(OciRuntimes.TryParse(text, out var runtime));
        Assert.Equal(expected, runtime);
        Assert.Equal(text.ToLowerInvariant(), runtime.Name());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("youki")]
    [InlineData("runc ")]
    public void Unknown_names_do_not_parse(string? text) => Assert.False(OciRuntimes.TryParse(text, out _));

    [Fact]
    public void Each_runtime_has_its_own_state_root_and_path()
    {
        var options = new SandboxManagerOptions("/data") { Runtime = OciRuntime.Crun };
        var layout = new SandboxLayout("/data");
        Assert.Equal("/data/runc", layout.RuncRoot);
        Assert.Equal("/data/crun", layout.RuntimeRoot(OciRuntime.Crun));
        Assert.Equal("/usr/bin/crun", options.RuntimePath);
        Assert.Equal("/usr/sbin/runc", (options with { Runtime = OciRuntime.Runc }).RuntimePath);
        Assert.Equal("/opt/crun", (options with { CrunPath = "/opt/crun" }).RuntimePath);
    }

    [Fact]
    public void Crun_gets_no_quota_field_instead_of_minus_one_and_runc_keeps_it()
    {
        var spec = SpecBuilder.Build(Request(), "/c", "lamina", new CpuLimits(Quota: false));
        Assert.Equal(-1L, RuntimeSpecAdapter.For(spec, OciRuntime.Runc).Linux.Resources.Cpu.Quota);
        var crun = JsonDocument.Parse(JsonSerializer.Serialize(RuntimeSpecAdapter.For(spec, OciRuntime.Crun), SpecJsonContext.Default.RuntimeSpec));
        var cpu = crun.RootElement.GetProperty("linux").GetProperty("resources").GetProperty("cpu");
        Assert.False(cpu.TryGetProperty("quota", out _));
        Assert.Equal(100_000UL, cpu.GetProperty("period").GetUInt64());
        // A real quota is passed through unchanged.
        var limited = SpecBuilder.Build(Request(), "/c", "lamina", CpuLimits.Default);
        Assert.Same(limited, RuntimeSpecAdapter.For(limited, OciRuntime.Crun));
    }

    [Fact]
    public async Task A_missing_runtime_binary_is_a_create_error_and_leaves_nothing()
    {
        await using var h = new SandboxHarness(runtime: OciRuntime.Crun);
        var manager = new SandboxManager(h.Options with { CrunPath = "/nonexistent/crun" });
        var created = await manager.CreateAsync(SandboxHarness.Request("/bin/true"));
        Assert.False(created.Ok);
        Assert.Equal(SandboxErrorCode.RuntimeFailed, created.Error!.Code);
        Assert.Contains("crun create failed", created.Error.Message);
        Assert.Empty(Directory.GetDirectories(manager.Layout.SandboxesDirectory));
        Assert.Empty((await manager.RecoverAsync()).Problems);
    }
}
