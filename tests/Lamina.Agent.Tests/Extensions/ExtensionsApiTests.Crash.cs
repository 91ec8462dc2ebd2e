using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Lamina.Agent.Tests.Extensions;

/// <summary>External extensions that die or hang: Extension.Crash, and SIGKILL after the shutdown budget.</summary>
public sealed partial class ExtensionsApiTests
{
    private const string NextLoop = "while true; do curl -s -o /dev/null -H \"Lambda-Extension-Identifier: $id\" http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/event/next; done\n";

    [Fact]
    public async Task An_extension_that_exits_during_init_fails_it_with_Extension_Crash_and_the_next_invoke_retries()
    {
        Assert.NotNull(Tools.Find("curl", "/usr/bin/curl"));
        var marker = Path.Combine(_dir, "crashed-once");
        var script = "#!/bin/sh\n" + RegisterThen + $"if [ ! -e {marker} ]; then touch {marker}; exit 3; fi\n" + NextLoop;
        await using var agent = await StartAsync(script);

        using var failed = await agent.InvokeAsync("{}");
        using var retried = await agent.InvokeAsync("""{"again":1}""");

        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        Assert.Equal("Unhandled", failed.Headers.GetValues("X-Amz-Function-Error").Single());
        using var error = JsonDocument.Parse(await failed.Content.ReadAsStringAsync());
        Assert.Equal("Extension.Crash", error.RootElement.GetProperty("errorType").GetString());
        Assert.EndsWith("Extension recorder exited with error: exit status 3", error.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("""{"again":1}""", await retried.Content.ReadAsStringAsync());
        // stdout is read on another thread: the line can arrive after the HTTP answer that followed it.
        await agent.WaitForStdoutAsync(l => l.StartsWith("INIT_REPORT", StringComparison.Ordinal) && l.EndsWith("Status: error\tError Type: Extension.Crash", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_extension_that_exits_during_an_invoke_fails_it_with_Extension_Crash_and_resets_the_environment()
    {
        Assert.NotNull(Tools.Find("curl", "/usr/bin/curl"));
        var marker = Path.Combine(_dir, "crashed-once");
        // Takes its first INVOKE event, then dies (once per test) while the runtime still works on it.
        var script = "#!/bin/sh\n" + RegisterThen +
            "curl -s -o /dev/null -H \"Lambda-Extension-Identifier: $id\" http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/event/next\n" +
            $"if [ ! -e {marker} ]; then touch {marker}; exit 4; fi\n" + NextLoop;
        await using var agent = await StartAsync(script, new() { ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "60" });

        using var failed = await agent.InvokeAsync("""{"action":"sleep","seconds":30}""");
        using var next = await agent.InvokeAsync("""{"action":"echo","after":1}""");

        using var error = JsonDocument.Parse(await failed.Content.ReadAsStringAsync());
        Assert.Equal("Extension.Crash", error.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("""{"action":"echo","after":1}""", await next.Content.ReadAsStringAsync());
        await agent.WaitForStdoutAsync(l => l.StartsWith("REPORT RequestId:", StringComparison.Ordinal) && l.EndsWith("Status: error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_extension_that_hangs_on_SHUTDOWN_is_killed_after_the_budget_and_the_agent_exits()
    {
        Assert.NotNull(Tools.Find("curl", "/usr/bin/curl"));
        var pidFile = Path.Combine(_dir, "extension.pid");
        var gotShutdown = Path.Combine(_dir, "got-shutdown");
        // Ignores SIGTERM; after its second event (SHUTDOWN) it never calls next again and never exits.
        var script = "#!/bin/sh\ntrap '' TERM\n" + $"echo $$ > {pidFile}\n" +
            RegisterThen.Replace("[\"INVOKE\"]", "[\"INVOKE\",\"SHUTDOWN\"]", StringComparison.Ordinal) +
            "curl -s -o /dev/null -H \"Lambda-Extension-Identifier: $id\" http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/event/next\n" +
            $"curl -s -H \"Lambda-Extension-Identifier: $id\" http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/event/next > {gotShutdown}\n" +
            "while true; do sleep 1; done\n";
        var agent = await StartAsync(script);
        try
        {
            using var response = await agent.InvokeAsync("{}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture);
            Assert.True(Directory.Exists($"/proc/{pid}"));

            using (var term = Process.Start("kill", ["-TERM", agent.Process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            Assert.Equal(0, await agent.WaitForExitAsync());
            Assert.Contains("\"SHUTDOWN\"", await File.ReadAllTextAsync(gotShutdown), StringComparison.Ordinal);
            Assert.False(Directory.Exists($"/proc/{pid}"), $"extension {pid} survived the agent");
        }
        finally
        {
            await agent.DisposeAsync();
        }
    }
}
