using Lamina.Images;
using Lamina.Oci;

namespace Lamina.Environments.Tests;

/// <summary>LoggingConfig reaches the sandbox as the runtime's and the agent's variables; Text adds nothing.</summary>
public sealed class LoggingSettingsTests
{
    private static readonly Digest D1 = Digest.Compute("a"u8.ToArray()), D2 = Digest.Compute("b"u8.ToArray());

    private static PulledImage Image() => new(
        default!, D1, D2,
        new ImageConfig("amd64", "linux", [D1, D2], ["/entry"], ["handler.main"], [], "/work", "root"),
        [new LayerSnapshot(D1, "/snap/base"), new LayerSnapshot(D2, "/snap/top")]);

    [Fact]
    public void Json_sets_format_levels_and_the_log_group()
    {
        var function = new FunctionConfig("fn") { Logging = new LoggingSettings("JSON", "DEBUG", "WARN", "/custom/group") };
        var r = SandboxRequestFactory.Build("id", Image(), function, new EnvironmentOptions("/a"));
        Assert.Equal("JSON", r.Environment!["AWS_LAMBDA_LOG_FORMAT"]);
        Assert.Equal("DEBUG", r.Environment["AWS_LAMBDA_LOG_LEVEL"]);
        Assert.Equal("WARN", r.Environment["LAMINA_SYSTEM_LOG_LEVEL"]);
        Assert.Equal("/custom/group", r.Lambda.LogGroupName);
    }

    [Fact]
    public void Text_or_no_logging_config_leaves_the_environment_as_it_was()
    {
        var plain = SandboxRequestFactory.Build("id", Image(), new FunctionConfig("fn"), new EnvironmentOptions("/a"));
        var text = SandboxRequestFactory.Build("id", Image(), new FunctionConfig("fn") { Logging = new LoggingSettings("Text", null, null, "/aws/lambda/fn") },
            new EnvironmentOptions("/a"));
        Assert.Equal(plain.Environment!.OrderBy(p => p.Key), text.Environment!.OrderBy(p => p.Key));
        Assert.False(text.Environment!.ContainsKey("AWS_LAMBDA_LOG_FORMAT"));
        Assert.Null(plain.Lambda.LogGroupName);
    }
}
