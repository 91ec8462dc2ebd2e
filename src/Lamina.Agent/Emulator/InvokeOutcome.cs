using Lamina.Agent.Runtime;

namespace Lamina.Agent.Emulator;

/// <summary>What the invoke API answers: a status, the body, and whether X-Amz-Function-Error is set.</summary>
internal sealed record InvokeOutcome(int Status, byte[] Body, bool FunctionError)
{
    public static InvokeOutcome Success(byte[] body) => new(200, body, false);

    /// <summary>A function error as Lambda reports it: 200 with X-Amz-Function-Error: Unhandled.</summary>
    public static InvokeOutcome Unhandled(byte[] body) => new(200, body, true);

    /// <summary>A platform error with our own payload, e.g. Runtime.ExitError.</summary>
    public static InvokeOutcome Platform(string errorType, string requestId, string detail, int status = 200) =>
        new(status, ErrorJson.Create(errorType, $"RequestId: {requestId} Error: {detail}"), true);
}
