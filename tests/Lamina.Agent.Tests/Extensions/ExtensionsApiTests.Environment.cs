using System.Net;
using System.Text.Json;

namespace Lamina.Agent.Tests.Extensions;

/// <summary>The host hands lamina-init the function's .NET runtime settings under _LAMINA_FN_ (so they do not configure
/// the agent); the runtime and every extension see them under their own names, and none of the hidden ones.</summary>
public sealed partial class ExtensionsApiTests
{
    [Fact]
    public async Task Hidden_runtime_settings_reach_the_runtime_and_the_extensions_under_their_own_names()
    {
        var dump = Path.Combine(_dir, "extension.env");
        var script = $"#!/bin/sh\nenv > {dump}\nexec {Tools.Python()} {Path.Combine(AppContext.BaseDirectory, "fixtures", "extension.py")}\n";
        await using var agent = await StartAsync(script, new()
        {
            ["_LAMINA_FN_DOTNET_gcServer"] = "1",
            ["_LAMINA_FN_COMPlus_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
            // The agent sets its own "1" (it sees none under the real name) and gives the function's value back.
            ["_LAMINA_FN_DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "0",
        });

        using var response = await agent.InvokeAsync("""
            {"action":"context","env":["DOTNET_gcServer","COMPlus_ThreadPool_UnfairSemaphoreSpinLimit",
              "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS","_LAMINA_FN_DOTNET_gcServer"]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var seen = doc.RootElement.GetProperty("env");
        Assert.Equal("1", seen.GetProperty("DOTNET_gcServer").GetString());
        Assert.Equal("0", seen.GetProperty("COMPlus_ThreadPool_UnfairSemaphoreSpinLimit").GetString());
        Assert.Equal("0", seen.GetProperty("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS").GetString());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("_LAMINA_FN_DOTNET_gcServer").ValueKind);

        var extension = await File.ReadAllLinesAsync(dump);
        Assert.Contains("DOTNET_gcServer=1", extension);
        Assert.Contains("COMPlus_ThreadPool_UnfairSemaphoreSpinLimit=0", extension);
        Assert.Contains("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0", extension);
        Assert.DoesNotContain(extension, line => line.StartsWith("_LAMINA_FN_", StringComparison.Ordinal));
    }
}
