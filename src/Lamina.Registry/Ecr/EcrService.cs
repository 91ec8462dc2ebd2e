using System.Text.Json.Nodes;
using Lamina.Aws;
using Lamina.Aws.Protocol;
using Lamina.Registry.Auth;
using Lamina.Registry.Ecr.Lifecycle;
using Lamina.Registry.Storage;
using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Ecr;

/// <summary>
/// The ECR API subset (JSON 1.1, <c>X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.*</c>, signing name
/// <c>ecr</c>) over the registry's metadata. One partial file per concern: repositories, images, lifecycle,
/// authorization. Wire names follow botocore's ecr 2015-09-21 service model.
/// </summary>
public sealed partial class EcrService(
    IRegistryMetadata metadata,
    IBlobStore blobs,
    ContentStore content,
    RegistryTokenService tokens,
    LifecycleService lifecycle,
    Credentials credentials) : IAwsJsonService
{
    public string TargetPrefix => "AmazonEC2ContainerRegistry_V20150921";

    public string SigningName => "ecr";

    public string InternalErrorCode => EcrErrors.ServerException;

    private string RegistryId => credentials.AccountId;

    public ValueTask<AwsJsonResponse> HandleAsync(AwsJsonRequest request, CancellationToken ct) => request.Operation switch
    {
        "GetAuthorizationToken" => ValueTask.FromResult(GetAuthorizationToken(request.Http)),
        "CreateRepository" => CreateRepositoryAsync(request.Input, request.Http, ct),
        "DescribeRepositories" => DescribeRepositoriesAsync(request.Input, request.Http, ct),
        "DeleteRepository" => DeleteRepositoryAsync(request.Input, request.Http, ct),
        "PutImageTagMutability" => PutImageTagMutabilityAsync(request.Input, ct),
        "DescribeImages" => DescribeImagesAsync(request.Input, ct),
        "ListImages" => ListImagesAsync(request.Input, ct),
        "PutImage" => PutImageAsync(request.Input, ct),
        "BatchGetImage" => BatchGetImageAsync(request.Input, ct),
        "BatchDeleteImage" => BatchDeleteImageAsync(request.Input, ct),
        "BatchCheckLayerAvailability" => BatchCheckLayerAvailabilityAsync(request.Input, ct),
        "PutLifecyclePolicy" => PutLifecyclePolicyAsync(request.Input, ct),
        "GetLifecyclePolicy" => GetLifecyclePolicyAsync(request.Input, delete: false, ct),
        "DeleteLifecyclePolicy" => GetLifecyclePolicyAsync(request.Input, delete: true, ct),
        _ => ValueTask.FromResult(EcrErrors.UnknownOperation(request.Operation)),
    };

    /// <summary>host:port as the client reached us: what repositoryUri and proxyEndpoint must name for docker to connect back.</summary>
    private static string RegistryHost(HttpContext http) => http.Request.Host.HasValue ? http.Request.Host.Value! : "127.0.0.1";

    /// <summary>JSON 1.1 timestamps are epoch seconds, fractional.</summary>
    private static JsonValue Epoch(DateTimeOffset t) => JsonValue.Create(t.ToUnixTimeMilliseconds() / 1000.0);

    private async ValueTask<(RepositoryInfo? Repository, string? Name, AwsJsonResponse? Error)> ExistingRepositoryAsync(JsonObject input, CancellationToken ct)
    {
        var (name, error) = EcrInput.RepositoryName(input);
        if (error is not null) return (null, null, error);
        var repo = await metadata.GetRepositoryAsync(name!, ct);
        return repo is null ? (null, name, EcrErrors.RepositoryNotFound(name!, RegistryId)) : (repo, name, null);
    }
}
