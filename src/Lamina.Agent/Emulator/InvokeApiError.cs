namespace Lamina.Agent.Emulator;

/// <summary>Expected refusals of the emulator's Invoke API; rendered once by <see cref="InvokeApiErrors"/>.</summary>
internal enum InvokeApiError
{
    NotFound,
    MethodNotAllowed,
    RequestTooLarge,
    InvalidClientContext,
    InvalidTraceId,
    InvalidInvocationType,
    InvalidRequestId,
}
