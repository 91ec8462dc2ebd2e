using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Environments;

/// <summary>The platform error payloads the host writes itself, in Lambda's shape.</summary>
public sealed partial class ExecutionEnvironment
{
    private long _oomKills;

    /// <summary>Sandbox.Timedout (status 408, Unhandled), as the agent answers a timeout it enforced.</summary>
    private InvokeResult HostTimeout(string requestId) =>
        new(408, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["errorType"] = "Sandbox.Timedout",
            ["errorMessage"] = string.Create(CultureInfo.InvariantCulture,
                $"RequestId: {requestId} Error: Task timed out after {Function.TimeoutSeconds:F2} seconds"),
        }), "Unhandled", requestId);

    /// <summary>
    /// A runtime killed by the memory cgroup is reported by the agent as Runtime.ExitError (it only sees the
    /// signal); Lambda calls that Runtime.OutOfMemory. A new OOM kill in the sandbox's cgroup tells them apart.
    /// The agent's REPORT line then says "Max Memory Used: 0 MB" (it measures the runtime's process tree, which is
    /// gone), so the host puts the sandbox's memory high-water mark in it, read before the sandbox goes.
    /// </summary>
    private InvokeResult WithOutOfMemory(InvokeResult result, string requestId)
    {
        if (result.FunctionError is null) return result;
        var kills = _manager.OomKillCount(Sandbox);
        if (kills <= _oomKills) return result;
        _oomKills = kills;
        FunctionLogFile.ReportOutOfMemory(Sandbox.StdoutPath, requestId, PeakMemoryMb());
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

    /// <summary>The sandbox's memory high-water mark in MB (rounded up), 0 when unknown.</summary>
    private int PeakMemoryMb() =>
        _manager.MaxMemoryUsedBytes(Sandbox) is { } bytes ? (int)Math.Min(int.MaxValue, (bytes + (1 << 20) - 1) >> 20) : 0;
}
