using Lamina.Sandbox;

namespace Lamina.Environments;

public sealed partial class ExecutionEnvironment
{
    /// <summary>
    /// As <see cref="InvokeAsync"/>, but the response reaches <paramref name="onPiece"/> piece by piece as the
    /// runtime writes it (InvokeWithResponseStream); a buffered runtime's answer is one piece. The result's
    /// payload is then only the error body of a failed invoke. A failure of <paramref name="onPiece"/> (the
    /// caller went away) ends the invoke as a control channel failure.
    /// </summary>
    public async Task<(InvokeResult? Result, EnvironmentError? Error)> InvokeStreamingAsync(ReadOnlyMemory<byte> payload,
        string? requestId, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> onPiece, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ++_invokes; // a freeze scheduled after an earlier answer must not run under this one
            if (_destroyed || Sandbox.Exited.IsCompleted)
                return (null, new(EnvironmentErrorCode.Gone, $"Environment {Sandbox.Id} is not running."));
            if (Sandbox.State == SandboxState.Frozen && await _manager.ThawAsync(Sandbox) is { } thaw)
                return (null, new(EnvironmentErrorCode.Gone, thaw.ToString()));
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(Function.TimeoutSeconds) + _options.InvokeSlack);
            InvokeResult result;
            try
            {
                result = await _control.InvokeStreamingAsync(Function.FunctionName, payload, requestId, onPiece, cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return AgentSilent(requestId);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                return (null, new(EnvironmentErrorCode.Gone, $"Control channel of {Sandbox.Id} failed: {e.Message}") { MayHaveRun = true });
            }
            result = WithOutOfMemory(result);
            if (await _manager.FreezeAsync(Sandbox) is { } freeze && Sandbox.Exited.IsCompleted)
                return (result, new(EnvironmentErrorCode.Gone, freeze.ToString()));
            return (result, null);
        }
        finally
        {
            _gate.Release();
        }
    }
}
