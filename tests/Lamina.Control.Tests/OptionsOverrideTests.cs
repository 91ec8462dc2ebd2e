using System.Reflection;
using Lamina.Control.Async;
using Lamina.Control.Logs;
using Lamina.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Lamina.Control.Tests;

/// <summary>The Async and Logs sections of the server's options: LAMINA__ overrides, validation at start, and use.</summary>
public sealed class OptionsOverrideTests
{
    [Fact]
    public async Task Bad_async_and_logs_overrides_from_the_environment_stop_the_server_with_messages_naming_them()
    {
        var dll = typeof(LaminaProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "LaminaCliDll").Value!;
        var dataDir = Directory.CreateTempSubdirectory("lamina-options-").FullName;
        try
        {
            var r = await ToolRunner.RunAsync("dotnet", [dll, "server", "--port", "0", "--data-dir", dataDir], new Dictionary<string, string>
            {
                ["LAMINA__Async__MaxConcurrency"] = "0",
                ["LAMINA__Logs__QueueCapacity"] = "-5",
                ["LAMINA__Logs__SweepInterval"] = "00:00:00",
                ["DOTNET_NOLOGO"] = "1",
            });
            var output = r.Stdout + r.Stderr;
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("Async:MaxConcurrency 0 must be at least 1", output, StringComparison.Ordinal);
            Assert.Contains("Logs:QueueCapacity -5 must be at least 1", output, StringComparison.Ordinal);
            Assert.Contains("Logs:SweepInterval", output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dataDir, "control.db")), "a refused start must not create databases");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task The_sections_reach_the_worker_and_the_logs_store()
    {
        var dataDir = Directory.CreateTempSubdirectory("lamina-options-").FullName;
        var options = new LaminaOptions { Port = 0, DataDir = dataDir };
        options.Async.MaxConcurrency = 7;
        options.Logs.MaxStoredBytes = 12345;
        Assert.Empty(options.Validate());
        await using (var host = LaminaHost.Create(options))
        {
            Assert.Equal(7, host.Services.GetRequiredService<AsyncInvokeOptions>().MaxConcurrency);
            Assert.Equal(12345, host.Services.GetRequiredService<LogsOptions>().MaxStoredBytes);
        }
        Directory.Delete(dataDir, recursive: true);
    }
}
