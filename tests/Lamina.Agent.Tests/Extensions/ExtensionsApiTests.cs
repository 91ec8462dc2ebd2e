using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Lamina.Agent.Tests.Extensions;

/// <summary>External extensions from the extensions directory, and the Extensions/Telemetry API endpoints.</summary>
public sealed partial class ExtensionsApiTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-ext-").FullName;

    private string ExtensionsDir => Path.Combine(_dir, "extensions");

    private string EventLog => Path.Combine(_dir, "events.jsonl");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<AgentProcess> StartAsync(string? script = null, Dictionary<string, string>? env = null)
    {
        Directory.CreateDirectory(ExtensionsDir);
        var launcher = Path.Combine(ExtensionsDir, "recorder");
        await File.WriteAllTextAsync(launcher, script ?? $"#!/bin/sh\nexec {Tools.Python()} {Path.Combine(AppContext.BaseDirectory, "fixtures", "extension.py")}\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var all = new Dictionary<string, string>(env ?? []) { ["LAMINA_EXTENSIONS_DIR"] = ExtensionsDir, ["EXT_LOG"] = EventLog };
        // Shell-and-curl extensions can take seconds to start on a loaded machine: a generous init limit
        // unless the test is about the limit itself.
        all.TryAdd("LAMINA_INIT_TIMEOUT_SECONDS", "60");
        return await AgentProcess.StartPythonAsync(all);
    }

    /// <summary>Waits until the extension's telemetry listener received a record matching <paramref name="match"/>.</summary>
    private async Task<JsonElement> WaitForTelemetryAsync(Func<JsonElement, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var hit = Events()
                .Where(e => e.TryGetProperty("telemetry_batch", out _))
                .SelectMany(e => e.GetProperty("telemetry_batch").EnumerateArray())
                .Where(match)
                .Select(r => (JsonElement?)r)
                .FirstOrDefault();
            if (hit is { } found)
            {
                return found;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("telemetry record not received; events:\n" + await File.ReadAllTextAsync(EventLog));
    }

    /// <summary>The extension's log; a line still being written is skipped.</summary>
    private List<JsonElement> Events()
    {
        var events = new List<JsonElement>();
        foreach (var line in File.ReadAllLines(EventLog))
        {
            try
            {
                events.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
            catch (JsonException)
            {
            }
        }
        return events;
    }

    [Fact]
    public async Task External_extension_registers_before_the_runtime_gets_INVOKE_events_and_SHUTDOWN_on_spindown()
    {
        var agent = await StartAsync();
        try
        {
            using var first = await agent.InvokeAsync("""{"n":1}""");
            using var second = await agent.InvokeAsync("""{"n":2}""");
            Assert.Equal("""{"n":1}""", await first.Content.ReadAsStringAsync());
            Assert.Equal("""{"n":2}""", await second.Content.ReadAsStringAsync());
            var secondId = second.Headers.GetValues("X-Amzn-RequestId").Single();
            var report = await WaitForTelemetryAsync(r => r.GetProperty("type").GetString() == "platform.report" && r.GetProperty("record").GetProperty("requestId").GetString() == secondId);
            Assert.Equal("success", report.GetProperty("record").GetProperty("status").GetString());
            Assert.True(report.GetProperty("record").GetProperty("metrics").GetProperty("durationMs").GetDouble() >= 0);
            Assert.Equal(3008, report.GetProperty("record").GetProperty("metrics").GetProperty("memorySizeMB").GetInt32());
            var initStart = await WaitForTelemetryAsync(r => r.GetProperty("type").GetString() == "platform.initStart");
            Assert.Equal("function", initStart.GetProperty("record").GetProperty("functionName").GetString());
            await WaitForTelemetryAsync(r => r.GetProperty("type").GetString() == "platform.initReport" && r.GetProperty("record").GetProperty("status").GetString() == "success");

            await agent.WaitForStdoutAsync(l => l.StartsWith("runtime init", StringComparison.Ordinal));
            var stdout = agent.Stdout.ToList();
            Assert.True(stdout.FindIndex(l => l.StartsWith("extension registered 200", StringComparison.Ordinal)) < stdout.FindIndex(l => l.StartsWith("runtime init", StringComparison.Ordinal)));
            using (var term = Process.Start("kill", ["-TERM", agent.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }
            Assert.Equal(0, await agent.WaitForExitAsync());
        }
        finally
        {
            await agent.DisposeAsync();
        }

        var events = Events();
        var registered = events.First(e => e.TryGetProperty("registered", out _));
        Assert.Equal(200, registered.GetProperty("registered").GetInt32());
        Assert.Equal("function", registered.GetProperty("info").GetProperty("functionName").GetString());
        Assert.Equal(200, events.First(e => e.TryGetProperty("telemetry", out _)).GetProperty("telemetry").GetInt32());
        var lifecycle = events.Where(e => e.TryGetProperty("eventType", out _)).ToList();
        var invokes = lifecycle.Where(e => e.GetProperty("eventType").GetString() == "INVOKE").ToList();
        Assert.Equal(2, invokes.Count);
        Assert.Equal("arn:aws:lambda:us-east-1:012345678912:function:function", invokes[0].GetProperty("invokedFunctionArn").GetString());
        Assert.True(invokes[0].GetProperty("deadlineMs").GetInt64() > 0);
        Assert.Equal("X-Amzn-Trace-Id", invokes[0].GetProperty("tracing").GetProperty("type").GetString());
        Assert.NotEqual(invokes[0].GetProperty("requestId").GetString(), invokes[1].GetProperty("requestId").GetString());
        var shutdown = lifecycle[^1];
        Assert.Equal("SHUTDOWN", shutdown.GetProperty("eventType").GetString());
        Assert.Equal("SPINDOWN", shutdown.GetProperty("shutdownReason").GetString());
    }

    [Fact]
    public async Task Late_registration_unknown_identifiers_and_bad_bodies_are_refused()
    {
        await using var agent = await StartAsync();
        (await agent.InvokeAsync("{}")).Dispose();
        var api = $"http://{agent.RuntimeApi}/";

        using var late = new HttpRequestMessage(HttpMethod.Post, api + "2020-01-01/extension/register") { Content = new StringContent("""{"events":["INVOKE"]}""", Encoding.UTF8) };
        late.Headers.Add("Lambda-Extension-Name", "late");
        using var lateResponse = await agent.Client.SendAsync(late);
        using var badBody = new HttpRequestMessage(HttpMethod.Post, api + "2020-01-01/extension/register") { Content = new StringContent("""{"events":["SOMETIMES"]}""", Encoding.UTF8) };
        badBody.Headers.Add("Lambda-Extension-Name", "bad");
        using var badBodyResponse = await agent.Client.SendAsync(badBody);
        using var unknownNext = new HttpRequestMessage(HttpMethod.Get, api + "2020-01-01/extension/event/next");
        unknownNext.Headers.Add("Lambda-Extension-Identifier", "not-registered");
        using var unknownNextResponse = await agent.Client.SendAsync(unknownNext);
        using var anonymousTelemetry = await agent.Client.PutAsync(new Uri(api + "2022-07-01/telemetry"), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Forbidden, lateResponse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badBodyResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unknownNextResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, anonymousTelemetry.StatusCode);
        using var after = await agent.InvokeAsync("""{"still":1}""");
        Assert.Equal("""{"still":1}""", await after.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("never registers", "exec sleep 600")]
    [InlineData("registers, never calls next", "curl -s -o /dev/null -X POST -H 'Lambda-Extension-Name: recorder' -d '{\"events\":[\"INVOKE\"]}' http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/register; exec sleep 600")]
    public async Task A_hanging_extension_fails_init_with_a_timeout_and_the_agent_survives(string what, string body)
    {
        Assert.NotNull(Tools.Find("curl", "/usr/bin/curl"));
        await using var agent = await StartAsync("#!/bin/sh\n" + body + "\n", new() { ["LAMINA_INIT_TIMEOUT_SECONDS"] = "1" });

        using var response = await agent.InvokeAsync("{}");

        Assert.True(response.StatusCode == HttpStatusCode.RequestTimeout, what);
        Assert.Contains("Sandbox.Timedout", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(agent.Process.HasExited);
    }

    private const string RegisterThen = "id=$(curl -s -D - -o /dev/null -X POST -H 'Lambda-Extension-Name: recorder' -d '{\"events\":[\"INVOKE\"]}' http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/register | tr -d '\\r' | sed -n 's/^[Ll]ambda-[Ee]xtension-[Ii]dentifier: //p'); ";

    [Theory]
    [InlineData("init/error", "Extension.InitError")]
    [InlineData("exit/error", "Extension.ExitError")]
    public async Task An_extension_error_report_during_init_fails_init_with_its_type_and_the_next_invoke_retries(string route, string expectedType)
    {
        Assert.NotNull(Tools.Find("curl", "/usr/bin/curl"));
        var marker = Path.Combine(_dir, "reported-once");
        // The first start reports the error; the second start behaves, so the retry succeeds.
        var script = "#!/bin/sh\n" + RegisterThen +
            $"if [ ! -e {marker} ]; then touch {marker}; curl -s -o /dev/null -X POST -H \"Lambda-Extension-Identifier: $id\" -H 'Lambda-Extension-Function-Error-Type: Extension.ConfigInvalid' -d '{{}}' http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/{route}; exec sleep 600; fi\n" +
            "while true; do curl -s -o /dev/null -H \"Lambda-Extension-Identifier: $id\" http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/event/next; done\n";
        await using var agent = await StartAsync(script);

        using var failed = await agent.InvokeAsync("{}");
        using var retried = await agent.InvokeAsync("""{"again":1}""");

        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        Assert.Equal("Unhandled", failed.Headers.GetValues("X-Amz-Function-Error").Single());
        using var error = JsonDocument.Parse(await failed.Content.ReadAsStringAsync());
        Assert.Equal(expectedType, error.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("Extension.ConfigInvalid", error.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("""{"again":1}""", await retried.Content.ReadAsStringAsync());
        // stdout is read on another thread: the line can arrive after the HTTP answer that followed it.
        await agent.WaitForStdoutAsync(l => l.StartsWith("INIT_REPORT", StringComparison.Ordinal) && l.Contains("Status: error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_exit_error_report_during_an_invoke_fails_it_with_Extension_ExitError_and_resets_the_environment()
    {
        Assert.NotNull(Tools.Find("curl", "/usr/bin/curl"));
        var marker = Path.Combine(_dir, "reported-once");
        // Waits for its first INVOKE event, reports an exit error (once per test), then keeps serving events.
        var script = "#!/bin/sh\n" + RegisterThen +
            "curl -s -o /dev/null -H \"Lambda-Extension-Identifier: $id\" http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/event/next\n" +
            $"if [ ! -e {marker} ]; then touch {marker}; curl -s -o /dev/null -X POST -H \"Lambda-Extension-Identifier: $id\" -H 'Lambda-Extension-Function-Error-Type: Extension.Broken' -d '{{}}' http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/exit/error; exec sleep 600; fi\n" +
            "while true; do curl -s -o /dev/null -H \"Lambda-Extension-Identifier: $id\" http://$AWS_LAMBDA_RUNTIME_API/2020-01-01/extension/event/next; done\n";
        await using var agent = await StartAsync(script, new() { ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "60" });

        // The python runtime sleeps when asked, so the report arrives while the invocation is in flight.
        using var failed = await agent.InvokeAsync("""{"action":"sleep","seconds":30}""");
        using var next = await agent.InvokeAsync("""{"action":"echo","after":1}""");

        using var error = JsonDocument.Parse(await failed.Content.ReadAsStringAsync());
        Assert.Equal("Extension.ExitError", error.RootElement.GetProperty("errorType").GetString());
        var nextBody = await next.Content.ReadAsStringAsync();
        Assert.True(nextBody == """{"action":"echo","after":1}""", nextBody + "\n" + string.Join('\n', agent.Stdout) + "\n" + string.Join('\n', agent.Stderr));
        // The second START can still be on its way through the stdout reader when the answer is here: wait for it.
        Assert.Equal(2, await agent.WaitForStdoutCountAsync(l => l.StartsWith("START RequestId:", StringComparison.Ordinal), 2));
    }

    [Fact]
    public async Task Error_reports_from_unknown_extensions_are_refused()
    {
        await using var agent = await StartAsync();
        using var first = await agent.InvokeAsync("{}");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{agent.RuntimeApi}/2020-01-01/extension/init/error") { Content = new StringContent("{}") };
        request.Headers.Add("Lambda-Extension-Identifier", Guid.NewGuid().ToString());

        using var refused = await agent.Client.SendAsync(request);
        using var still = await agent.InvokeAsync("""{"ok":1}""");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("""{"ok":1}""", await still.Content.ReadAsStringAsync());
    }
}
