namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// A failure the runtime itself reports with a Lambda error type of its own (Runtime.HandlerNotFound,
/// Runtime.MalformedHandlerName…) rather than the name of an exception from the function's code.
/// </summary>
internal sealed class LambdaRuntimeException : Exception
{
    public LambdaRuntimeException(string errorType, string message, Exception? inner = null) : base(message, inner) => ErrorType = errorType;

    public LambdaRuntimeException() : this("Runtime.Unknown", "runtime error") { }

    public LambdaRuntimeException(string message) : this("Runtime.Unknown", message) { }

    public LambdaRuntimeException(string message, Exception inner) : this("Runtime.Unknown", message, inner) { }

    /// <summary>The errorType reported in the error JSON and the Lambda-Runtime-Function-Error-Type header.</summary>
    public string ErrorType { get; }
}
