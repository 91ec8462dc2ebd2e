using Lamina.Aws.Protocol;

namespace Lamina.Registry.Ecr;

/// <summary>
/// The ECR API's error table: AWS's exception names and messages, all HTTP 400 as ECR answers client errors.
/// The one place ECR failures are worded.
/// </summary>
public static class EcrErrors
{
    public const string ServerException = "ServerException";

    public static AwsJsonResponse InvalidParameter(string message) => AwsJsonResponse.Error("InvalidParameterException", message);

    public static AwsJsonResponse RepositoryNotFound(string name, string registryId) =>
        AwsJsonResponse.Error("RepositoryNotFoundException", $"The repository with name '{name}' does not exist in the registry with id '{registryId}'");

    public static AwsJsonResponse RepositoryAlreadyExists(string name, string registryId) =>
        AwsJsonResponse.Error("RepositoryAlreadyExistsException", $"The repository with name '{name}' already exists in the registry with id '{registryId}'");

    public static AwsJsonResponse RepositoryNotEmpty(string name, string registryId) =>
        AwsJsonResponse.Error("RepositoryNotEmptyException",
            $"The repository with name '{name}' in registry with id '{registryId}' cannot be deleted because it still contains images");

    public static AwsJsonResponse ImageNotFound(string imageId, string name, string registryId) =>
        AwsJsonResponse.Error("ImageNotFoundException",
            $"The image with imageId {imageId} does not exist within the repository with name '{name}' in the registry with id '{registryId}'");

    public static AwsJsonResponse LifecyclePolicyNotFound(string name, string registryId) =>
        AwsJsonResponse.Error("LifecyclePolicyNotFoundException",
            $"Lifecycle policy does not exist for the repository with name '{name}' in the registry with id '{registryId}'");

    public static AwsJsonResponse ImageAlreadyExists(string digest, string? tag, string name, string registryId) =>
        AwsJsonResponse.Error("ImageAlreadyExistsException",
            $"Image with digest '{digest}'{(tag is null ? "" : $" and tag '{tag}'")} already exists in the repository with name '{name}' in registry with id '{registryId}'");

    public static AwsJsonResponse ImageTagAlreadyExists(string tag, string name) =>
        AwsJsonResponse.Error("ImageTagAlreadyExistsException",
            $"The image tag '{tag}' already exists in the '{name}' repository and cannot be overwritten because the repository is immutable.");

    public static AwsJsonResponse ImageDigestDoesNotMatch(string detail) =>
        AwsJsonResponse.Error("ImageDigestDoesNotMatchException", "The specified image digest does not match the digest that Amazon ECR calculated for the image: " + detail);

    public static AwsJsonResponse LayersNotFound(string detail) =>
        AwsJsonResponse.Error("LayersNotFoundException", "The image contains layers that are not in the repository: " + detail);

    public static AwsJsonResponse ReferencedImagesNotFound(string detail) =>
        AwsJsonResponse.Error("ReferencedImagesNotFoundException", "The manifest list references images that are not in the repository: " + detail);

    public static AwsJsonResponse UnknownOperation(string operation) =>
        AwsJsonResponse.Error("UnknownOperationException", $"Lamina does not implement the ECR operation {operation}");
}
