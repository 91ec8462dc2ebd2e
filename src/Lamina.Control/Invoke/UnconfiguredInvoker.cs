using Lamina.Control.Domain;

namespace Lamina.Control.Invoke;

/// <summary>
/// The invoker registered until the scheduler is: every invocation fails with a ServiceException that says
/// so, rather than pretending to run anything.
/// </summary>
public sealed class UnconfiguredInvoker : IFunctionInvoker
{
    public const string Message = "no execution environments are configured on this server yet";

    public Task<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken ct) =>
        Task.FromResult(InvokeResult.Failed(new LambdaError(LambdaErrorType.Service, Message)));
}
