using System.Net;
using System.Text.Json;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>Emulator mode end to end: real lamina-init, real python runtime, invokes over HTTP.</summary>
public sealed class InvokeTests
{
    [Fact]
    public async Task Two_invokes_in_a_row_echo_and_log_START_END_REPORT_with_init_duration_only_on_the_cold_one()
    {
        await using var agent = await AgentProcess.StartPythonAsync();

        using var first = await agent.InvokeAsync("""{"n":1}""");
        using var second = await agent.InvokeAsync("""{"n":2}""", name: "any-other-name");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("""{"n":1}""", await first.Content.ReadAsStringAsync());
        Assert.Equal("""{"n":2}""", await second.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("X-Amz-Function-Error"));
        var firstId = first.Headers.GetValues("X-Amzn-RequestId").Single();
        var secondId = second.Headers.GetValues("X-Amzn-RequestId").Single();
        Assert.NotEqual(firstId, secondId);

        var coldReport = await agent.WaitForStdoutAsync(l => l.StartsWith($"REPORT RequestId: {firstId}\t", StringComparison.Ordinal));
        var warmReport = await agent.WaitForStdoutAsync(l => l.StartsWith($"REPORT RequestId: {secondId}\t", StringComparison.Ordinal));
        Assert.Matches(@"^REPORT RequestId: \S+\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 3008 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms$", coldReport);
        Assert.DoesNotContain("Init Duration", warmReport);
        Assert.Contains($"START RequestId: {firstId} Version: $LATEST", agent.Stdout);
        Assert.Contains($"END RequestId: {firstId}", agent.Stdout);
        Assert.Equal(1, await agent.WaitForStdoutCountAsync(l => l.StartsWith("runtime init", StringComparison.Ordinal), 1));
    }

    [Fact]
    public async Task Handler_error_passes_the_body_through_with_X_Amz_Function_Error()
    {
        await using var agent = await AgentProcess.StartPythonAsync();

        using var response = await agent.InvokeAsync("""{"action":"error","errorType":"MyError","body":{"errorMessage":"boom","errorType":"MyError","stackTrace":["a"]}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("""{"errorMessage": "boom", "errorType": "MyError", "stackTrace": ["a"]}""", await response.Content.ReadAsStringAsync());
        await agent.WaitForStdoutAsync(l => l.StartsWith("error posted 202", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timeout_answers_Sandbox_Timedout_with_the_exact_message_and_the_next_invoke_re_inits()
    {
        await using var agent = await AgentProcess.StartPythonAsync(new Dictionary<string, string> { ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "1" });

        using var timedOut = await agent.InvokeAsync("""{"action":"sleep","seconds":120}""");
        using var after = await agent.InvokeAsync("""{"after":true}""");

        var id = timedOut.Headers.GetValues("X-Amzn-RequestId").Single();
        Assert.NotEqual(HttpStatusCode.OK, timedOut.StatusCode);
        Assert.Equal("Unhandled", timedOut.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal($$"""{"errorMessage":"RequestId: {{id}} Error: Task timed out after 1.00 seconds","errorType":"Sandbox.Timedout"}""", await timedOut.Content.ReadAsStringAsync());
        Assert.Equal("""{"after":true}""", await after.Content.ReadAsStringAsync());
        await agent.WaitForStdoutAsync(l => l.EndsWith($"{id} Task timed out after 1.00 seconds", StringComparison.Ordinal));
        Assert.Equal(2, await agent.WaitForStdoutCountAsync(l => l.StartsWith("runtime init", StringComparison.Ordinal), 2));
        var afterId = after.Headers.GetValues("X-Amzn-RequestId").Single();
        Assert.Contains("Init Duration", await agent.WaitForStdoutAsync(l => l.StartsWith($"REPORT RequestId: {afterId}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Runtime_crash_answers_Runtime_ExitError_with_the_status_and_the_next_invoke_re_inits()
    {
        await using var agent = await AgentProcess.StartPythonAsync();

        using var crashed = await agent.InvokeAsync("""{"action":"exit","code":42}""");
        using var after = await agent.InvokeAsync("""{"after":1}""");

        var id = crashed.Headers.GetValues("X-Amzn-RequestId").Single();
        Assert.Equal("Unhandled", crashed.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal($$"""{"errorMessage":"RequestId: {{id}} Error: Runtime exited with error: exit status 42","errorType":"Runtime.ExitError"}""", await crashed.Content.ReadAsStringAsync());
        Assert.Equal("""{"after":1}""", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Runtime_that_exits_during_init_gets_Runtime_ExitError_and_the_agent_survives()
    {
        await using var agent = await AgentProcess.StartPythonAsync(new Dictionary<string, string> { ["RUNTIME_INIT"] = "exit:3" });

        using var first = await agent.InvokeAsync("{}");
        using var second = await agent.InvokeAsync("{}");

        foreach (var response in new[] { first, second })
        {
            var id = response.Headers.GetValues("X-Amzn-RequestId").Single();
            Assert.Equal($$"""{"errorMessage":"RequestId: {{id}} Error: Runtime exited with error: exit status 3","errorType":"Runtime.ExitError"}""", await response.Content.ReadAsStringAsync());
        }
        Assert.False(agent.Process.HasExited);
    }

    [Fact]
    public async Task Runtime_that_never_calls_next_times_out_in_init_and_is_killed()
    {
        await using var agent = await AgentProcess.StartPythonAsync(new Dictionary<string, string> { ["RUNTIME_INIT"] = "hang", ["LAMINA_INIT_TIMEOUT_SECONDS"] = "1" });

        using var response = await agent.InvokeAsync("{}");

        var id = response.Headers.GetValues("X-Amzn-RequestId").Single();
        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.Equal($$"""{"errorMessage":"RequestId: {{id}} Error: Task timed out after 1.00 seconds","errorType":"Sandbox.Timedout"}""", await response.Content.ReadAsStringAsync());
        await agent.WaitForStdoutAsync(l => l.StartsWith("INIT_REPORT Init Duration: ", StringComparison.Ordinal) && l.EndsWith("Status: timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Init_error_is_returned_as_the_invoke_error_body()
    {
        await using var agent = await AgentProcess.StartPythonAsync(new Dictionary<string, string> { ["RUNTIME_INIT"] = "error" });

        using var response = await agent.InvokeAsync("{}");

        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("""{"errorMessage":"bad config","errorType":"Runtime.ConfigError"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Async_event_invoke_answers_202_and_still_runs_the_function()
    {
        await using var agent = await AgentProcess.StartPythonAsync();

        using var response = await agent.InvokeAsync("""{"async":true}""", headers: h => h.Add("X-Amz-Invocation-Type", "Event"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = response.Headers.GetValues("X-Amzn-RequestId").Single();
        await agent.WaitForStdoutAsync(l => l.StartsWith($"REPORT RequestId: {id}", StringComparison.Ordinal));
        Assert.Contains(agent.Stdout, l => l == $"handling {id} echo");
    }

    [Fact]
    public async Task Bad_invoke_requests_get_clear_errors_and_lose_nothing()
    {
        await using var agent = await AgentProcess.StartPythonAsync();

        using var badContext = await agent.InvokeAsync("{}", headers: h => h.Add("X-Amz-Client-Context", "not base64!"));
        using var injected = await agent.InvokeAsync("{}", headers: h => h.Add("X-Amz-Client-Context", Convert.ToBase64String("{\"a\":\"x\r\nEvil: 1\"}"u8.ToArray())));
        using var badType = await agent.InvokeAsync("{}", headers: h => h.Add("X-Amz-Invocation-Type", "Sometimes"));
        using var wrongPath = await agent.Client.PostAsync(new Uri(agent.InvokeBase, "2015-03-31/functions/x"), new StringContent("{}"));
        using var good = await agent.InvokeAsync("""{"still":"works"}""");

        Assert.Equal(HttpStatusCode.BadRequest, badContext.StatusCode);
        Assert.Equal("InvalidRequestContentException", badContext.Headers.GetValues("X-Amzn-ErrorType").Single());
        Assert.Equal(HttpStatusCode.BadRequest, injected.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongPath.StatusCode);
        Assert.Equal("""{"still":"works"}""", await good.Content.ReadAsStringAsync());
        using var doc = JsonDocument.Parse(await badContext.Content.ReadAsStringAsync());
        Assert.Contains("Base64", doc.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_runtime_command_answers_Runtime_InvalidEntrypoint_and_DryRun_answers_204()
    {
        await using var agent = await AgentProcess.StartAsync(["/nonexistent/bootstrap"]);

        using var dryRun = await agent.InvokeAsync("{}", headers: h => h.Add("X-Amz-Invocation-Type", "DryRun"));
        using var response = await agent.InvokeAsync("{}");

        Assert.Equal(HttpStatusCode.NoContent, dryRun.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Runtime.InvalidEntrypoint", doc.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("/nonexistent/bootstrap", doc.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.False(agent.Process.HasExited);
    }
}
