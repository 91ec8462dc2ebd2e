using System.Globalization;
using System.Net.Http.Headers;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>One event from GET /runtime/invocation/next: its headers and its body (in a buffer the
/// client reuses, so the body is valid only until the next call to next).</summary>
internal sealed class InvocationRequest
{
    public required string RequestId { get; init; }

    /// <summary>Lambda-Runtime-Invocation-Id, echoed on the answer so a late answer from a timed-out attempt is refused.</summary>
    public string? InvocationId { get; init; }

    /// <summary>Deadline in Unix epoch milliseconds; 0 when the header was missing.</summary>
    public long DeadlineMs { get; init; }

    public string InvokedFunctionArn { get; init; } = "";
    public string TraceId { get; init; } = "";
    public string? ClientContextJson { get; init; }
    public string? CognitoIdentityJson { get; init; }
    public string? TenantId { get; init; }

    /// <summary>The event payload.</summary>
    public required Stream Body { get; init; }

    /// <summary>Reads the Runtime API headers; null when the request id is missing (a broken Runtime API).</summary>
    public static InvocationRequest? FromHeaders(HttpResponseHeaders headers, Stream body)
    {
        var id = One(headers, "Lambda-Runtime-Aws-Request-Id");
        if (string.IsNullOrEmpty(id)) return null;
        return new InvocationRequest
        {
            RequestId = id,
            InvocationId = One(headers, "Lambda-Runtime-Invocation-Id"),
            DeadlineMs = long.TryParse(One(headers, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : 0,
            InvokedFunctionArn = One(headers, "Lambda-Runtime-Invoked-Function-Arn") ?? "",
            TraceId = One(headers, "Lambda-Runtime-Trace-Id") ?? "",
            ClientContextJson = One(headers, "Lambda-Runtime-Client-Context"),
            CognitoIdentityJson = One(headers, "Lambda-Runtime-Cognito-Identity"),
            TenantId = One(headers, "Lambda-Runtime-Aws-Tenant-Id"),
            Body = body,
        };
    }

    private static string? One(HttpResponseHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? values.ToString() : null;
}
