namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// Runs one invocation and answers it on the Runtime API. An exception escaping
/// <see cref="HandleAsync"/> is reported by the loop as the invocation's error, so a handler only
/// answers the success path (streaming handlers also report errors after their first byte).
/// </summary>
internal interface IInvocationHandler
{
    Task HandleAsync(InvocationRequest request, ILambdaContext context, RuntimeApiClient api, CancellationToken cancellationToken);
}
