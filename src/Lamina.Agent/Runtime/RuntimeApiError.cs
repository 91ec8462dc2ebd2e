namespace Lamina.Agent.Runtime;

/// <summary>Expected refusals of the Runtime API; rendered to HTTP once, in <see cref="RuntimeApiHandler"/>.</summary>
internal enum RuntimeApiError
{
    None,

    /// <summary>403: the call is not allowed in the runtime's current state.</summary>
    InvalidStateTransition,

    /// <summary>400: the request id is not the invocation in flight.</summary>
    InvalidRequestId,

    /// <summary>413: the response body is over 6 MiB + 100 bytes.</summary>
    RequestEntityTooLarge,

    /// <summary>404: no such route.</summary>
    NotFound,

    /// <summary>405: the route exists with another method.</summary>
    MethodNotAllowed,

    /// <summary>400: Lambda-Runtime-Invocation-Id on an answer is not the attempt in flight.</summary>
    InvalidInvocationId,

    /// <summary>410: the answer is for an attempt that already timed out; its result is discarded.</summary>
    InvocationTimedOut,

    /// <summary>400: the streaming response mode header has an unknown value.</summary>
    InvalidResponseMode,
}
