namespace Lamina.Aws.Protocol;

/// <summary>
/// One AWS JSON 1.1 service sharing <c>POST /</c>: requests whose <c>X-Amz-Target</c> is
/// <c>{TargetPrefix}.{Operation}</c> come here, already SigV4-verified for <see cref="SigningName"/>.
/// </summary>
public interface IAwsJsonService
{
    /// <summary>e.g. <c>AmazonEC2ContainerRegistry_V20150921</c>, <c>Logs_20140328</c>.</summary>
    string TargetPrefix { get; }

    /// <summary>The service name in the SigV4 credential scope, e.g. <c>ecr</c>, <c>logs</c>.</summary>
    string SigningName { get; }

    /// <summary>The error code for a bug in the handler (ECR calls it ServerException).</summary>
    string InternalErrorCode => "InternalFailure";

    /// <summary>Runs one operation. Expected failures are returned as <see cref="AwsJsonResponse.Error"/>, not thrown.</summary>
    ValueTask<AwsJsonResponse> HandleAsync(AwsJsonRequest request, CancellationToken ct);
}
