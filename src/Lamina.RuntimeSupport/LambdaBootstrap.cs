using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using Lamina.RuntimeSupport.ClassLibrary;
using Lamina.RuntimeSupport.Internal;

namespace Lamina.RuntimeSupport;

/// <summary>
/// Entry points of a .NET function: each runs the Runtime API loop (GET next → handler → POST
/// response or error) on AWS_LAMBDA_RUNTIME_API until <c>cancellationToken</c> is cancelled or the
/// Runtime API fails (then it throws and the process should exit: the platform starts a new one).
/// Console output is routed through the function logger, one record per line tagged with the request id.
/// An exception from the handler is the invocation's error: <c>{"errorType":&lt;exception type name&gt;,
/// "errorMessage","stackTrace":[…]}</c> with the Lambda-Runtime-Function-Error-Type header.
/// </summary>
public static class LambdaBootstrap
{
    /// <summary>Runs a typed handler: the event is read with <paramref name="input"/> and the result
    /// written with <paramref name="output"/> (System.Text.Json source generation, so NativeAOT works).</summary>
    public static Task RunAsync<TIn, TOut>(Func<TIn, ILambdaContext, Task<TOut>> handler, JsonTypeInfo<TIn> input, JsonTypeInfo<TOut> output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        return RunAsync(new TypedHandler<TIn, TOut>(handler, input, output), cancellationToken);
    }

    /// <summary>Runs a raw handler: the event bytes in, the response bytes out (sent as application/octet-stream;
    /// the returned stream is disposed after it was sent).</summary>
    public static Task RunAsync(Func<Stream, ILambdaContext, Task<Stream>> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return RunAsync(new StreamHandler(handler), cancellationToken);
    }

    /// <summary>
    /// Runs a response-streaming handler: it gets the event and a write-only response stream; each write
    /// goes to the caller at once (Lambda-Runtime-Function-Response-Mode: streaming, chunked). An exception
    /// before the first write is an ordinary error; after it, the error travels in the stream's trailers.
    /// </summary>
    public static Task RunStreamingAsync(Func<Stream, Stream, ILambdaContext, Task> handler, string contentType = "application/octet-stream", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        if (contentType.AsSpan().ContainsAny('\r', '\n'))
            throw new ArgumentException("The content type must be a single header value.", nameof(contentType));
        return RunAsync(new StreamingHandler(handler, contentType), cancellationToken);
    }

    /// <summary>
    /// The managed runtime's class-library mode: resolves <paramref name="handler"/>
    /// (<c>Assembly::Namespace.Type::Method</c>, the image CMD or _HANDLER) from LAMBDA_TASK_ROOT with
    /// reflection and serves it. A handler that cannot be found or constructed is reported to
    /// /runtime/init/error (Runtime.MalformedHandlerName, Runtime.HandlerNotFound, or the constructor's
    /// exception type) and the method returns 1, the process's exit code; it returns only then or on cancellation.
    /// </summary>
    [RequiresUnreferencedCode("Loads the function assembly and serialises its types with reflection.")]
    [RequiresDynamicCode("Serialises the function's types with reflection.")]
    public static async Task<int> RunHandlerAsync(string? handler, CancellationToken cancellationToken = default)
    {
        using var session = RuntimeSession.Start();
        IInvocationHandler resolved;
        try
        {
            var taskRoot = Environment.GetEnvironmentVariable("LAMBDA_TASK_ROOT") is { Length: > 0 } root ? root : AppContext.BaseDirectory;
            resolved = new ReflectionHandler(HandlerResolver.Resolve(HandlerString.Parse(handler), taskRoot));
        }
        catch (Exception e)
        {
            await session.ReportInitErrorAsync(e, cancellationToken);
            return 1;
        }
        await session.RunAsync(resolved, cancellationToken);
        return 0;
    }

    private static async Task RunAsync(IInvocationHandler handler, CancellationToken cancellationToken)
    {
        using var session = RuntimeSession.Start();
        await session.RunAsync(handler, cancellationToken);
    }
}
