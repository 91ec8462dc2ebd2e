using System.Text.Json.Nodes;
using Lamina.Aws.Protocol;
using Lamina.Registry.Storage;
using Microsoft.AspNetCore.Http;

namespace Lamina.Registry.Ecr;

public sealed partial class EcrService
{
    private async ValueTask<AwsJsonResponse> CreateRepositoryAsync(JsonObject input, HttpContext http, CancellationToken ct)
    {
        var (name, error) = EcrInput.RepositoryName(input);
        if (error is not null) return error;
        var (mutabilityText, e2) = EcrInput.OptionalString(input, "imageTagMutability");
        if (e2 is not null) return e2;
        var mutability = ParseMutability(mutabilityText ?? "MUTABLE");
        if (mutability is null) return EcrErrors.InvalidParameter($"imageTagMutability '{mutabilityText}' is not supported: use MUTABLE or IMMUTABLE");
        var created = await metadata.CreateRepositoryAsync(name!, mutability.Value, ct);
        return created is null
            ? EcrErrors.RepositoryAlreadyExists(name!, RegistryId)
            : AwsJsonResponse.Ok(new JsonObject { ["repository"] = RepositoryJson(created, http) });
    }

    private async ValueTask<AwsJsonResponse> DescribeRepositoriesAsync(JsonObject input, HttpContext http, CancellationToken ct)
    {
        var (names, error) = EcrInput.OptionalStringList(input, "repositoryNames");
        var (max, e2) = EcrInput.MaxResults(input);
        var (nextToken, e3) = EcrInput.OptionalString(input, "nextToken");
        if ((error ?? e2 ?? e3) is { } e) return e;
        var output = new JsonArray();
        if (names is not null)
        {
            if (names.Count == 0) return EcrErrors.InvalidParameter("repositoryNames must hold at least one name");
            foreach (var name in names.Distinct(StringComparer.Ordinal))
            {
                var repo = await metadata.GetRepositoryAsync(name, ct);
                if (repo is null) return EcrErrors.RepositoryNotFound(name, RegistryId);
                output.Add(RepositoryJson(repo, http));
            }
            return AwsJsonResponse.Ok(new JsonObject { ["repositories"] = output });
        }
        var after = EcrPaging.After(nextToken);
        if (nextToken is not null && after is null) return EcrErrors.InvalidParameter("Invalid parameter at 'nextToken'");
        var page = await metadata.ListRepositoriesAsync(after, max + 1, ct);
        foreach (var repo in page.Take(max)) output.Add(RepositoryJson(repo, http));
        var result = new JsonObject { ["repositories"] = output };
        if (page.Count > max) result["nextToken"] = EcrPaging.Token(page[max - 1].Name);
        return AwsJsonResponse.Ok(result);
    }

    private async ValueTask<AwsJsonResponse> DeleteRepositoryAsync(JsonObject input, HttpContext http, CancellationToken ct)
    {
        var (repo, name, error) = await ExistingRepositoryAsync(input, ct);
        if (error is not null) return error;
        var (force, e2) = EcrInput.OptionalBool(input, "force");
        if (e2 is not null) return e2;
        return await metadata.DeleteRepositoryAsync(name!, force, ct) switch
        {
            DeleteRepositoryResult.Deleted => AwsJsonResponse.Ok(new JsonObject { ["repository"] = RepositoryJson(repo!, http) }),
            DeleteRepositoryResult.NotEmpty => EcrErrors.RepositoryNotEmpty(name!, RegistryId),
            _ => EcrErrors.RepositoryNotFound(name!, RegistryId),
        };
    }

    private async ValueTask<AwsJsonResponse> PutImageTagMutabilityAsync(JsonObject input, CancellationToken ct)
    {
        var (_, name, error) = await ExistingRepositoryAsync(input, ct);
        if (error is not null) return error;
        var (text, e2) = EcrInput.OptionalString(input, "imageTagMutability");
        if (e2 is not null) return e2;
        var mutability = ParseMutability(text ?? "");
        if (mutability is null) return EcrErrors.InvalidParameter($"imageTagMutability '{text}' is not supported: use MUTABLE or IMMUTABLE");
        if (!await metadata.SetTagMutabilityAsync(name!, mutability.Value, ct)) return EcrErrors.RepositoryNotFound(name!, RegistryId);
        return AwsJsonResponse.Ok(new JsonObject { ["registryId"] = RegistryId, ["repositoryName"] = name, ["imageTagMutability"] = text });
    }

    private static TagMutability? ParseMutability(string text) => text switch
    {
        "MUTABLE" => TagMutability.Mutable,
        "IMMUTABLE" => TagMutability.Immutable,
        _ => null,
    };

    private JsonObject RepositoryJson(RepositoryInfo repo, HttpContext http) => new()
    {
        ["repositoryArn"] = $"arn:aws:ecr:{credentials.Region}:{RegistryId}:repository/{repo.Name}",
        ["registryId"] = RegistryId,
        ["repositoryName"] = repo.Name,
        ["repositoryUri"] = $"{RegistryHost(http)}/{repo.Name}",
        ["createdAt"] = Epoch(repo.CreatedAt),
        ["imageTagMutability"] = repo.TagMutability == TagMutability.Immutable ? "IMMUTABLE" : "MUTABLE",
        ["imageScanningConfiguration"] = new JsonObject { ["scanOnPush"] = false },
        ["encryptionConfiguration"] = new JsonObject { ["encryptionType"] = "AES256" },
    };
}
