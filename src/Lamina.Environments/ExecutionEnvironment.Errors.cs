using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Environments;

/// <summary>The platform error payloads the host writes itself, in Lambda's shape.</summary>
public sealed partial class ExecutionEnvironment
{
    private long _oomKills;

    /// <summary>
    /// The agent did not answer within the timeout plus slack: it shares the sandbox with the function, so a fork
    /// bomb or a spin can keep it from enforcing the timeout. The host answers with Lambda's timeout error and
    /// the environment is replaced (Gone, the event may have run).
    /// </summary>
    private (InvokeResult, EnvironmentError) AgentSilent(string? requestId) =>
        (HostTimeout(requestId), new(EnvironmentErrorCode.Gone,
            $"The agent of {Sandbox.Id} did not answer within the timeout plus {_options.InvokeSlack.TotalSeconds:F0} s.") { MayHaveRun = true });

    /// <summary>Sandbox.Timedout (status 408, Unhandled), as the agent answers a timeout it enforced.</summary>
    private InvokeResult HostTimeout(string? requestId) =>
        new(408, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["errorType"] = "Sandbox.Timedout",
            ["errorMessage"] = string.Create(CultureInfo.InvariantCulture,
                $"RequestId: {requestId} Error: Task timed out after {Function.TimeoutSeconds:F2} seconds"),
        }), "Unhandled", requestId);

    /// <summary>
    /// A runtime killed by the memory cgroup is reported by the agent as Runtime.ExitError (it only sees the
    /// signal); Lambda calls that Runtime.OutOfMemory. A new OOM kill in the sandbox's cgroup tells them apart.
    /// </summary>
    private InvokeResult WithOutOfMemory(InvokeResult result)
    {
        if (result.FunctionError is null) return result;
        var kills = _manager.OomKillCount(Sandbox);
        if (kills <= _oomKills) return result;
        _oomKills = kills;
        try
        {
            if (JsonNode.Parse(result.Payload) is JsonObject error && (string?)error["errorType"] == "Runtime.ExitError")
            {
                error["errorType"] = "Runtime.OutOfMemory";
                return result with { Payload = JsonSerializer.SerializeToUtf8Bytes(error) };
            }
        }
        catch (JsonException)
        {
        }
        return result;
    }
}
