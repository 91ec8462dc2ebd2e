namespace Lamina.Agent.Runtime;

/// <summary>The runtime's answer to one invocation: a response body, or an error whose body is
/// passed through unchanged and whose type has been normalised (see <see cref="RuntimeErrorTypes"/>).</summary>
internal sealed record InvocationResult(byte[] Body, string? ErrorType = null, string? XRayCause = null)
{
    public bool IsError => ErrorType is not null;
}
