using Lamina.Images;
using Lamina.Oci;
using Lamina.Sandbox;

namespace Lamina.Environments.Tests;

/// <summary>The mapping from pulled image + function config to the sandbox's inputs (no runc needed).</summary>
public sealed class SandboxRequestFactoryTests
{
    private static readonly Digest D1 = Digest.Compute("a"u8.ToArray()), D2 = Digest.Compute("b"u8.ToArray());

    private static PulledImage Image(IReadOnlyList<string>? cmd = null) => new(
        default!, D1, D2,
        new ImageConfig("amd64", "linux", [D1, D2], ["/entry"], cmd ?? ["handler.main"], ["A=1"], "/work", "root"),
        [new LayerSnapshot(D1, "/snap/base"), new LayerSnapshot(D2, "/snap/top")]);

    [Fact]
    public void Layers_go_top_first_and_the_agent_runs_the_image_command()
    {
        var r = SandboxRequestFactory.Build("id-1", Image(), new FunctionConfig("fn", TimeoutSeconds: 7),
            new EnvironmentOptions("/host/lamina-init"));
        Assert.Equal(["/snap/top", "/snap/base"], r.Layers);
        Assert.Equal(["/opt/lamina/lamina-init", "--control-socket", "/run/lamina/control.sock", "--"], r.InitPrefix);
        Assert.Equal(new AgentMount("/host/lamina-init", "/opt/lamina/lamina-init") { LoadsSeccomp = true }, r.Agent);
        Assert.True(r.HideRuntimeSettings, "lamina-init is a .NET program: the function's DOTNET_* must not reach it by name");
        Assert.Equal(["/entry"], r.Image.Entrypoint!);
        Assert.Equal("/work", r.Image.WorkingDir);
        Assert.Equal("7", r.Environment!["AWS_LAMBDA_FUNCTION_TIMEOUT"]);
        Assert.Equal("handler.main", r.Lambda.Handler);
        Assert.Equal(NetworkMode.None, r.Network);
    }

    [Fact]
    public void The_platform_timeout_wins_over_a_function_variable_and_overrides_pass_through()
    {
        var function = new FunctionConfig("fn", TimeoutSeconds: 3)
        {
            Variables = new Dictionary<string, string> { ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "900", ["K"] = "v" },
            ImageConfig = new ImageConfigOverrides(null, ["other.handler"], "/x"),
            Handler = "",
        };
        var r = SandboxRequestFactory.Build("id-2", Image(), function, new EnvironmentOptions("/a"));
        Assert.Equal("3", r.Environment!["AWS_LAMBDA_FUNCTION_TIMEOUT"]);
        Assert.Equal("v", r.Environment["K"]);
        Assert.Equal("other.handler", r.Lambda.Handler);
        Assert.Same(function.ImageConfig, r.Overrides);
    }
}
