using System.Globalization;
using Lamina.Agent.Http;

namespace Lamina.Agent.Runtime;

/// <summary>
/// The Runtime API 2018-06-01 over HTTP: parses each route into a call on the current
/// <see cref="RuntimeChannel"/> and renders its refusals from one table. It never answers 500:
/// npm's aws-lambda-ric exits on a 500 from /next.
/// </summary>
internal sealed partial class RuntimeApiHandler(Func<RuntimeChannel> channel) : IHttpHandler
{
    /// <summary>Largest response body a runtime may post: 6 MiB + 100 bytes.</summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024 + 100;

    private const string Prefix = "/2018-06-01/runtime/";
    private static readonly byte[] Accepted = """{"status":"OK"}"""u8.ToArray();

    public async ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.Path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Refuse(RuntimeApiError.NotFound);
        }
        var route = request.Path.AsSpan(Prefix.Length);
        if (route.SequenceEqual("invocation/next"))
        {
            return request.Method == "GET" ? await NextAsync() : Refuse(RuntimeApiError.MethodNotAllowed);
        }
        if (route.SequenceEqual("init/error"))
        {
            return request.Method == "POST" ? Done(channel().InitError(ReadError(request))) : Refuse(RuntimeApiError.MethodNotAllowed);
        }
        if (route.StartsWith("invocation/"))
        {
            var rest = route["invocation/".Length..];
            var slash = rest.IndexOf('/');
            if (slash > 0)
            {
                var id = rest[..slash].ToString();
                var action = rest[(slash + 1)..];
                if (action.SequenceEqual("response"))
                {
                    if (request.StreamedBody is not null)
                    {
                        return await StreamedResponseAsync(id, request, cancellationToken);
                    }
                    return request.Method == "POST" ? Response(id, request) : Refuse(RuntimeApiError.MethodNotAllowed);
                }
                if (action.SequenceEqual("error"))
                {
                    return request.Method == "POST" ? Done(channel().Answer(id, ReadError(request), InvocationIdOf(request))) : Refuse(RuntimeApiError.MethodNotAllowed);
                }
            }
        }
        return Refuse(RuntimeApiError.NotFound);
    }

    /// <summary>A streamed /response (Lambda-Runtime-Function-Response-Mode: streaming) is read as it arrives,
    /// so its pieces can reach the host while the function still runs (<see cref="StreamedResponseAsync"/>).</summary>
    public bool StreamsBody(HttpRequest request) =>
        request.Method == "POST" && request.Path.EndsWith("/response", StringComparison.Ordinal) &&
        string.Equals(request.Header("Lambda-Runtime-Function-Response-Mode"), "streaming", StringComparison.OrdinalIgnoreCase);

    private async ValueTask<HttpResponse> NextAsync()
    {
        var refusal = channel().Next(out var next);
        if (refusal != RuntimeApiError.None)
        {
            return Refuse(refusal);
        }
        Invocation invocation;
        try
        {
            invocation = await next!;
        }
        catch (OperationCanceledException)
        {
            // The environment is being torn down; this runtime will not get another event.
            return Refuse(RuntimeApiError.InvalidStateTransition);
        }
        // Every header, every time: aws-lambda-ric crashes when one it expects is missing.
        return new HttpResponse(200, invocation.Payload, "application/json")
            .With("Lambda-Runtime-Aws-Request-Id", invocation.RequestId)
            .With("Lambda-Runtime-Deadline-Ms", invocation.DeadlineMs.ToString(CultureInfo.InvariantCulture))
            .With("Lambda-Runtime-Invoked-Function-Arn", invocation.FunctionArn)
            .With("Lambda-Runtime-Trace-Id", invocation.TraceId)
            .With("Lambda-Runtime-Client-Context", invocation.ClientContext)
            .With("Lambda-Runtime-Cognito-Identity", invocation.CognitoIdentity)
            .With("Lambda-Runtime-Aws-Tenant-Id", invocation.TenantId)
            .With("Lambda-Runtime-Invocation-Id", invocation.InvocationId);
    }

    private HttpResponse Response(string id, HttpRequest request)
    {
        var mode = request.Header("Lambda-Runtime-Function-Response-Mode");
        if (mode is not null && !string.Equals(mode, "streaming", StringComparison.OrdinalIgnoreCase))
        {
            var invalid = new InvocationResult(ErrorJson.Create("Runtime.InvalidResponseModeHeader", $"Invalid response mode header value: {mode}"), "Runtime.InvalidResponseModeHeader");
            channel().Answer(id, invalid, InvocationIdOf(request));
            return Refuse(RuntimeApiError.InvalidResponseMode);
        }
        if (request.BodyTooLarge)
        {
            // The invocation fails (as on AWS); the runtime's later /error for it is refused as a second answer.
            var tooLarge = new InvocationResult(
                ErrorJson.Create("Function.ResponseSizeTooLarge", $"Response payload size exceeded maximum allowed payload size ({MaxResponseBytes} bytes)."),
                "Function.ResponseSizeTooLarge");
            var refusal = channel().Answer(id, tooLarge, InvocationIdOf(request));
            return Refuse(refusal == RuntimeApiError.None ? RuntimeApiError.RequestEntityTooLarge : refusal);
        }
        if (request.Trailer("Lambda-Runtime-Function-Error-Type") is { } streamedType)
        {
            // A streamed response that failed midway: the error body travels base64-encoded in a trailer.
            var body = DecodeBase64(request.Trailer("Lambda-Runtime-Function-Error-Body")) ?? request.Body;
            return Done(channel().Answer(id, new InvocationResult(body, RuntimeErrorTypes.Normalise(streamedType)), InvocationIdOf(request)));
        }
        return Done(channel().Answer(id, new InvocationResult(request.Body), InvocationIdOf(request)));
    }

    private static string? InvocationIdOf(HttpRequest request) => request.Header("Lambda-Runtime-Invocation-Id");

    private static InvocationResult ReadError(HttpRequest request) => new(
        request.Body,
        RuntimeErrorTypes.Normalise(request.Header("Lambda-Runtime-Function-Error-Type")),
        request.Header("Lambda-Runtime-Function-XRay-Error-Cause"));

    private static byte[]? DecodeBase64(string? value)
    {
        if (value is null)
        {
            return null;
        }
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static HttpResponse Done(RuntimeApiError error) =>
        error == RuntimeApiError.None ? HttpResponse.Json(202, Accepted) : Refuse(error);

    /// <summary>The one table from refusal to status and error body.</summary>
    internal static HttpResponse Refuse(RuntimeApiError error)
    {
        var (status, type, message) = error switch
        {
            RuntimeApiError.InvalidStateTransition => (403, "InvalidStateTransition", "The call is not allowed in the runtime's current state."),
            RuntimeApiError.InvalidRequestId => (400, "InvalidRequestID", "Invalid request ID: it is not the invocation in flight."),
            RuntimeApiError.RequestEntityTooLarge => (413, "RequestEntityTooLarge", $"Exceeded maximum allowed payload size ({MaxResponseBytes} bytes)."),
            RuntimeApiError.MethodNotAllowed => (405, "MethodNotAllowed", "Method not allowed on this route."),
            RuntimeApiError.InvalidInvocationId => (400, "InvalidInvocationID", "Invalid invocation ID: it is not the attempt in flight."),
            RuntimeApiError.InvocationTimedOut => (410, "InvocationTimedOut", "The invocation already timed out; its answer is discarded."),
            RuntimeApiError.InvalidResponseMode => (400, "InvalidResponseModeHeader", "Lambda-Runtime-Function-Response-Mode must be 'streaming'."),
            _ => (404, "NotFound", "No such Runtime API route."),
        };
        return HttpResponse.Json(status, ErrorJson.Create(type, message));
    }
}
