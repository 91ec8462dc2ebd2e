using Lamina.Sandbox;
using Lamina.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Scheduler.Tests;

/// <summary><c>Execution:SealedRuntimeCopy</c>: on by default, and the setting reaches the sandbox manager either way.</summary>
public sealed class SealedRuntimeCopyOptionTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task The_setting_reaches_the_sandbox_manager(bool? setting, bool expected)
    {
        var dir = Directory.CreateTempSubdirectory("lamina-sched-sealed-").FullName;
        try
        {
            var execution = new ExecutionOptions { Enabled = true, AgentBinary = "/bin/true" };
            if (setting is { } value) execution.SealedRuntimeCopy = value;
            await using var host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = dir, Execution = execution });
            var manager = host.Services.GetRequiredService<SandboxManager>();
            Assert.Equal(expected, manager.Options.SealedRuntimeCopy);
            Assert.Contains(expected ? "sealed in-memory copy of /usr/sbin/runc" : "runc runs from /usr/sbin/runc (Execution:SealedRuntimeCopy off",
                manager.RuntimeDescription, StringComparison.Ordinal);
            Assert.False(manager.RuntimeCopyFailed);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
