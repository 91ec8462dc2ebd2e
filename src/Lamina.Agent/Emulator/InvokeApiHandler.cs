using System.Text;
using Lamina.Agent.Http;
using Lamina.Agent.Runtime;

namespace Lamina.Agent.Emulator;

/// <summary>
/// The emulator's Lambda Invoke API: <c>POST /2015-03-31/functions/{any name}/invocations</c>.
/// RequestResponse answers with the function's result; Event answers 202 at once and runs the
/// invocation in the background; DryRun answers 204. Bad input gets Lambda's own error shapes.
/// A trusted caller (the host, over the control channel) may choose the request id with
/// <c>Lamina-Request-Id</c>.
/// </summary>
internal sealed class InvokeApiHandler(EmulatorOptions options, EnvironmentPool environments, bool trustedCaller = false) : IHttpHandler
{
    /// <summary>Lambda's synchronous request payload limit.</summary>
    public const int MaxPayloadBytes = 6 * 1024 * 1024;

    private const string Prefix = "/2015-03-31/functions/";
    private const string Suffix = "/invocations";

    /// <summary>Checks an invoke request and builds its invocation (with <paramref name="sink"/> for a streamed
    /// answer); returns the refusal to send instead, or null.</summary>
    internal HttpResponse? Parse(HttpRequest request, ResponseSink? sink, out Invocation invocation)
    {
        invocation = null!;
        var path = request.Path;
        if (!path.StartsWith(Prefix, StringComparison.Ordinal) || !path.EndsWith(Suffix, StringComparison.Ordinal) || path.Length <= Prefix.Length + Suffix.Length)
        {
            return InvokeApiErrors.Render(InvokeApiError.NotFound, path);
        }
        if (request.Method != "POST")
        {
            return InvokeApiErrors.Render(InvokeApiError.MethodNotAllowed, request.Method);
        }
        if (request.BodyTooLarge)
        {
            return InvokeApiErrors.Render(InvokeApiError.RequestTooLarge, "");
        }
        if (!TryDecodeClientContext(request.Header("X-Amz-Client-Context"), out var clientContext))
        {
            return InvokeApiErrors.Render(InvokeApiError.InvalidClientContext, "");
        }
        var traceId = request.Header("X-Amzn-Trace-Id");
        if (traceId is not null && !IsSafeHeaderValue(traceId))
        {
            return InvokeApiErrors.Render(InvokeApiError.InvalidTraceId, "");
        }
        var requestId = Uuid.NewString();
        if (trustedCaller && request.Header("Lamina-Request-Id") is { } chosen)
        {
            if (!IsValidRequestId(chosen))
            {
                return InvokeApiErrors.Render(InvokeApiError.InvalidRequestId, "");
            }
            requestId = chosen;
        }
        invocation = new Invocation
        {
            RequestId = requestId,
            Payload = request.Body,
            FunctionArn = options.FunctionArn,
            TraceId = traceId ?? NewTraceId(),
            ClientContext = clientContext,
            TenantId = request.Header("X-Amz-Tenant-Id") is { } tenant && IsSafeHeaderValue(tenant) ? tenant : null,
            Sink = sink,
        };
        return null;
    }

    public async ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var refused = Parse(request, null, out var invocation);
        if (refused is not null)
        {
            return refused;
        }
        var type = request.Header("X-Amz-Invocation-Type") ?? "RequestResponse";
        switch (type)
        {
            case "Event":
                _ = Task.Run(() => environments.InvokeAsync(invocation, CancellationToken.None), CancellationToken.None);
                return new HttpResponse(202).With("X-Amzn-RequestId", invocation.RequestId);
            case "DryRun":
                return new HttpResponse(204).With("X-Amzn-RequestId", invocation.RequestId);
            case "RequestResponse":
                break;
            default:
                return InvokeApiErrors.Render(InvokeApiError.InvalidInvocationType, type);
        }
        var outcome = await environments.InvokeAsync(invocation, cancellationToken);
        return HttpResponse.Json(outcome.Status, outcome.Body)
            .With("X-Amzn-RequestId", invocation.RequestId)
            .With("X-Amz-Executed-Version", options.FunctionVersion)
            .With("X-Amz-Function-Error", outcome.FunctionError ? "Unhandled" : null);
    }

    /// <summary>X-Amz-Client-Context is base64 JSON; it goes on to the runtime decoded, as a header, so it must
    /// not contain line breaks or other control characters.</summary>
    internal static bool TryDecodeClientContext(string? header, out string? json)
    {
        json = null;
        if (string.IsNullOrEmpty(header))
        {
            return true;
        }
        try
        {
            json = Encoding.UTF8.GetString(Convert.FromBase64String(header));
        }
        catch (FormatException)
        {
            return false;
        }
        return IsSafeHeaderValue(json);
    }

    /// <summary>A request id becomes a URL path segment for the runtime: letters, digits and '-' only.</summary>
    private static bool IsValidRequestId(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool IsSafeHeaderValue(string value)
    {
        foreach (var c in value)
        {
            if (c < ' ' && c != '\t' || c == '\x7f')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>An X-Ray style trace header, so runtimes always see Lambda-Runtime-Trace-Id.</summary>
    private static string NewTraceId()
    {
        Span<byte> random = stackalloc byte[20];
        Random.Shared.NextBytes(random); // not a secret: avoids loading OpenSSL into the agent
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"Root=1-{seconds:x8}-{Convert.ToHexStringLower(random[..12])};Parent={Convert.ToHexStringLower(random[12..])};Sampled=0";
    }
}
