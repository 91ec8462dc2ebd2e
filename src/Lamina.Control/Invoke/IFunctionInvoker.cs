using Lamina.Control.Domain;

namespace Lamina.Control.Invoke;

/// <summary>
/// Runs one invocation of a resolved function version. The scheduler implements this (environments per
/// version, runc, the in-sandbox agent); until it is registered, <see cref="UnconfiguredInvoker"/> answers.
/// </summary>
public interface IFunctionInvoker
{
    /// <summary>
    /// Runs <paramref name="request"/> to completion. A function error is a successful result with
    /// <see cref="InvokeResult.FunctionError"/> set; a platform failure is <see cref="InvokeResult.Error"/>.
    /// </summary>
    Task<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken ct);
}

/// <summary>One invocation: the exact version configuration (with its image digest) and the caller's input.</summary>
public sealed record InvokeRequest(
    FunctionConfig Function,
    string InvokedFunctionArn,
    string RequestId,
    ReadOnlyMemory<byte> Payload,
    InvocationType InvocationType,
    bool TailLog,
    string? ClientContext);

/// <summary>
/// What came back: the response payload, "Handled"/"Unhandled" when the function failed, the log tail
/// (raw text; the API base64-encodes its last 4 KB), or a platform <see cref="Error"/>.
/// </summary>
public sealed record InvokeResult(ReadOnlyMemory<byte> Payload, string? FunctionError, string? LogTail, LambdaError? Error = null)
{
    public static InvokeResult Failed(LambdaError error) => new(ReadOnlyMemory<byte>.Empty, null, null, error);
}

/// <summary>X-Amz-Invocation-Type.</summary>
public enum InvocationType { RequestResponse, Event, DryRun }
