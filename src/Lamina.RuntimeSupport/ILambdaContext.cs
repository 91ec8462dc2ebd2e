namespace Lamina.RuntimeSupport;

/// <summary>
/// What a handler knows about its invocation and environment. The member names are those of
/// Amazon.Lambda.Core's ILambdaContext, so a handler ports by changing its using directive.
/// </summary>
public interface ILambdaContext
{
    /// <summary>The request id (Lambda-Runtime-Aws-Request-Id).</summary>
    string AwsRequestId { get; }

    /// <summary>The client context of a mobile caller; null when the caller sent none.</summary>
    IClientContext? ClientContext { get; }

    /// <summary>AWS_LAMBDA_FUNCTION_NAME.</summary>
    string FunctionName { get; }

    /// <summary>AWS_LAMBDA_FUNCTION_VERSION.</summary>
    string FunctionVersion { get; }

    /// <summary>The Cognito identity of a mobile caller; null when there is none.</summary>
    ICognitoIdentity? Identity { get; }

    /// <summary>The ARN the caller invoked (Lambda-Runtime-Invoked-Function-Arn).</summary>
    string InvokedFunctionArn { get; }

    /// <summary>The logger, tagging each record with this request id.</summary>
    ILambdaLogger Logger { get; }

    /// <summary>AWS_LAMBDA_LOG_GROUP_NAME.</summary>
    string LogGroupName { get; }

    /// <summary>AWS_LAMBDA_LOG_STREAM_NAME.</summary>
    string LogStreamName { get; }

    /// <summary>AWS_LAMBDA_FUNCTION_MEMORY_SIZE (0 when unset).</summary>
    int MemoryLimitInMB { get; }

    /// <summary>Time left until the deadline (Lambda-Runtime-Deadline-Ms), read from the clock on every
    /// call; negative once the deadline has passed.</summary>
    TimeSpan RemainingTime { get; }

    /// <summary>The tenant id of a tenant-isolated function (Lambda-Runtime-Aws-Tenant-Id), else null.</summary>
    string? TenantId { get; }

    /// <summary>The X-Ray trace header (Lambda-Runtime-Trace-Id), also set as _X_AMZN_TRACE_ID.</summary>
    string TraceId { get; }
}
