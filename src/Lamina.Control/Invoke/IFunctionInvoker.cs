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

    /// <summary>
    /// Runs <paramref name="request"/> with its response streamed (InvokeWithResponseStream, function URLs in
    /// RESPONSE_STREAM mode): each piece goes to <paramref name="onPiece"/> as the function writes it; a buffered
    /// function's response is one piece. The result's payload is then only a function error's body. A failure
    /// of <paramref name="onPiece"/> (the caller went away) propagates. The default runs <see cref="InvokeAsync"/>
    /// and passes its whole response as one piece.
    /// </summary>
    async Task<InvokeResult> InvokeStreamingAsync(InvokeRequest request, ResponsePieceWriter onPiece, CancellationToken ct)
    {
        var result = await InvokeAsync(request, ct);
        if (result.Error is not null || result.FunctionError is not null) return result;
        await onPiece(result.Payload, ct);
        return result with { Payload = ReadOnlyMemory<byte>.Empty };
    }
}

/// <summary>Receives one piece of a streamed response, in order; it completes once the piece is passed on.</summary>
public delegate ValueTask ResponsePieceWriter(ReadOnlyMemory<byte> piece, CancellationToken ct);

/// <summary>One invocation: the exact version configuration (with its image digest) and the caller's input.</summary>
public sealed record InvokeRequest(
    FunctionConfig Function,
    string InvokedFunctionArn,
    string RequestId,
    ReadOnlyMemory<byte> Payload,
    InvocationType InvocationType,
    bool TailLog,
    string? ClientContext)
{
    /// <summary>
    /// The function's reserved concurrency when the caller already read it (the Lambda API does, from the same
    /// control.db snapshot as <see cref="Function"/>); null when it did not, and the invoker reads it itself.
    /// </summary>
    public ConcurrencyReservation? Reservation { get; init; }
}

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
