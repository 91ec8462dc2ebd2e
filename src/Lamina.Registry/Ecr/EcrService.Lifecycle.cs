using System.Text.Json.Nodes;
using Lamina.Aws.Protocol;
using Lamina.Registry.Ecr.Lifecycle;

namespace Lamina.Registry.Ecr;

public sealed partial class EcrService
{
    private async ValueTask<AwsJsonResponse> PutLifecyclePolicyAsync(JsonObject input, CancellationToken ct)
    {
        var (_, name, error) = await ExistingRepositoryAsync(input, ct);
        if (error is not null) return error;
        var (text, e2) = EcrInput.OptionalString(input, "lifecyclePolicyText");
        if (e2 is not null) return e2;
        if (text is null) return EcrErrors.InvalidParameter("lifecyclePolicyText is required");
        var (_, invalid) = LifecyclePolicyParser.Parse(text);
        if (invalid is not null)
            return EcrErrors.InvalidParameter($"Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: {invalid}'");
        if (!await metadata.SetLifecyclePolicyAsync(name!, text, ct)) return EcrErrors.RepositoryNotFound(name!, RegistryId);
        lifecycle.Schedule(name!);
        return AwsJsonResponse.Ok(new JsonObject { ["registryId"] = RegistryId, ["repositoryName"] = name, ["lifecyclePolicyText"] = text });
    }

    /// <summary>GetLifecyclePolicy, and DeleteLifecyclePolicy (which answers with the policy it removed).</summary>
    private async ValueTask<AwsJsonResponse> GetLifecyclePolicyAsync(JsonObject input, bool delete, CancellationToken ct)
    {
        var (repo, name, error) = await ExistingRepositoryAsync(input, ct);
        if (error is not null) return error;
        if (repo!.LifecyclePolicy is null) return EcrErrors.LifecyclePolicyNotFound(name!, RegistryId);
        if (delete && !await metadata.SetLifecyclePolicyAsync(name!, null, ct)) return EcrErrors.RepositoryNotFound(name!, RegistryId);
        var result = new JsonObject { ["registryId"] = RegistryId, ["repositoryName"] = name, ["lifecyclePolicyText"] = repo.LifecyclePolicy };
        if (lifecycle.LastEvaluatedAt(name!) is { } evaluated) result["lastEvaluatedAt"] = Epoch(evaluated);
        return AwsJsonResponse.Ok(result);
    }
}
