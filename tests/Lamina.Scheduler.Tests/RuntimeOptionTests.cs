using Lamina.Sandbox;
using Lamina.Server;

namespace Lamina.Scheduler.Tests;

/// <summary>Execution:Runtime (runc or crun) and Execution:CrunPath: validated, and a missing crun said at start-up.</summary>
public sealed class RuntimeOptionTests
{
    [Theory]
    [InlineData("youki")]
    [InlineData("")]
    [InlineData("run c")]
    public void An_unknown_runtime_is_a_configuration_error_naming_it(string runtime)
    {
        var errors = new ExecutionOptions { Runtime = runtime }.Validate();
        Assert.Contains(errors, e => e.Contains($"Execution:Runtime '{runtime}' must be runc or crun", StringComparison.Ordinal));
    }

    [Fact]
    public void Runc_is_the_default_and_crun_selects_the_crun_path()
    {
        var options = new ExecutionOptions();
        Assert.Equal(OciRuntime.Runc, options.SandboxRuntime);
        Assert.Equal(options.RuncPath, options.RuntimePath);
        options.Runtime = "crun";
        options.CrunPath = "/opt/bin/crun";
        Assert.Empty(options.Validate());
        Assert.Equal(OciRuntime.Crun, options.SandboxRuntime);
        Assert.Equal("/opt/bin/crun", options.RuntimePath);
        Assert.Contains(new ExecutionOptions { CrunPath = " " }.Validate(), e => e.Contains("Execution:CrunPath", StringComparison.Ordinal));
    }

    [Fact]
    public void Crun_required_but_missing_fails_start_up_saying_how_to_install_it()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-sched-crun-").FullName;
        try
        {
            var e = Assert.Throws<LaminaConfigurationException>(() => LaminaHost.Create(new LaminaOptions
            {
                Port = 0, DataDir = dir,
                Execution = new ExecutionOptions { Enabled = true, Runtime = "crun", CrunPath = "/nonexistent/crun" },
            }));
            Assert.Contains("crun was not found at /nonexistent/crun (apt-get install -y crun)", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
