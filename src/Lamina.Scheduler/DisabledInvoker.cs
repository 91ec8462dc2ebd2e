using Lamina.Control.Domain;
using Lamina.Control.Invoke;

namespace Lamina.Scheduler;

/// <summary>Registered when execution is off or cannot run here: every invoke is a ServiceException that says why.</summary>
public sealed class DisabledInvoker(string reason) : IFunctionInvoker
{
    /// <summary>The message every invoke gets.</summary>
    public string Message { get; } = UnconfiguredInvoker.Message + ": " + reason;

    public Task<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken ct) =>
        Task.FromResult(InvokeResult.Failed(new LambdaError(LambdaErrorType.Service, Message)));
}
