using System.Text.Json;

namespace Lamina.Registry.Tests.Ecr;

/// <summary>Repository operations driven by the real AWS CLI v2 (/usr/bin/aws) and the pip CLI v1.</summary>
public sealed class AwsCliRepositoryTests(EcrTestHost ecr) : IClassFixture<EcrTestHost>
{
    private const string Policy = """{"rules":[{"rulePriority":1,"description":"keep two","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}""";

    private static JsonElement Ok(ToolRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    private static void Fails(ToolRunner.Result r, string errorCode)
    {
        Assert.True(r.ExitCode != 0, r.ToString());
        Assert.Contains($"({errorCode})", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Create_describe_mutability_lifecycle_and_delete(bool v1)
    {
        var name = v1 ? "team/app-v1" : "team/app-v2";
        var created = Ok(await ecr.EcrAsync(v1, null, "create-repository", "--repository-name", name, "--image-tag-mutability", "IMMUTABLE")).GetProperty("repository");
        Assert.Equal($"{ecr.Authority}/{name}", created.GetProperty("repositoryUri").GetString());
        Assert.Equal($"arn:aws:ecr:us-east-1:000000000000:repository/{name}", created.GetProperty("repositoryArn").GetString());
        Assert.Equal("000000000000", created.GetProperty("registryId").GetString());
        Assert.Equal("IMMUTABLE", created.GetProperty("imageTagMutability").GetString());
        Assert.True(DateTimeOffset.TryParse(created.GetProperty("createdAt").ToString(), out _) || created.GetProperty("createdAt").ValueKind == JsonValueKind.Number);

        Fails(await ecr.EcrAsync(v1, null, "create-repository", "--repository-name", name), "RepositoryAlreadyExistsException");
        Fails(await ecr.EcrAsync(v1, null, "create-repository", "--repository-name", "Bad_Name!"), "InvalidParameterException");

        var described = Ok(await ecr.EcrAsync(v1, null, "describe-repositories", "--repository-names", name)).GetProperty("repositories");
        Assert.Equal(name, described[0].GetProperty("repositoryName").GetString());
        Fails(await ecr.EcrAsync(v1, null, "describe-repositories", "--repository-names", "no/such"), "RepositoryNotFoundException");

        Ok(await ecr.EcrAsync(v1, null, "put-image-tag-mutability", "--repository-name", name, "--image-tag-mutability", "MUTABLE"));
        described = Ok(await ecr.EcrAsync(v1, null, "describe-repositories", "--repository-names", name)).GetProperty("repositories");
        Assert.Equal("MUTABLE", described[0].GetProperty("imageTagMutability").GetString());

        Fails(await ecr.EcrAsync(v1, null, "get-lifecycle-policy", "--repository-name", name), "LifecyclePolicyNotFoundException");
        Ok(await ecr.EcrAsync(v1, null, "put-lifecycle-policy", "--repository-name", name, "--lifecycle-policy-text", Policy));
        var got = Ok(await ecr.EcrAsync(v1, null, "get-lifecycle-policy", "--repository-name", name));
        Assert.Equal(Policy, got.GetProperty("lifecyclePolicyText").GetString());
        var invalid = Policy.Replace("\"any\"", "\"sometimes\"", StringComparison.Ordinal);
        Fails(await ecr.EcrAsync(v1, null, "put-lifecycle-policy", "--repository-name", name, "--lifecycle-policy-text", invalid), "InvalidParameterException");
        Assert.Equal(Policy, Ok(await ecr.EcrAsync(v1, null, "get-lifecycle-policy", "--repository-name", name)).GetProperty("lifecyclePolicyText").GetString());
        Ok(await ecr.EcrAsync(v1, null, "delete-lifecycle-policy", "--repository-name", name));
        Fails(await ecr.EcrAsync(v1, null, "delete-lifecycle-policy", "--repository-name", name), "LifecyclePolicyNotFoundException");

        await ecr.SeedImageAsync(name, "latest", name);
        Fails(await ecr.EcrAsync(v1, null, "delete-repository", "--repository-name", name), "RepositoryNotEmptyException");
        var deleted = Ok(await ecr.EcrAsync(v1, null, "delete-repository", "--repository-name", name, "--force")).GetProperty("repository");
        Assert.Equal(name, deleted.GetProperty("repositoryName").GetString());
        Fails(await ecr.EcrAsync(v1, null, "describe-repositories", "--repository-names", name), "RepositoryNotFoundException");
        Fails(await ecr.EcrAsync(v1, null, "delete-repository", "--repository-name", name), "RepositoryNotFoundException");
    }

    [Fact]
    public async Task Describe_repositories_pages_through_every_repository()
    {
        var names = Enumerable.Range(0, 5).Select(i => $"paging/repo{i}").ToList();
        foreach (var n in names) Ok(await ecr.EcrAsync(false, null, "create-repository", "--repository-name", n));
        // --page-size 2 makes the CLI call DescribeRepositories three times, following nextToken.
        var all = Ok(await ecr.EcrAsync(false, null, "describe-repositories", "--page-size", "2")).GetProperty("repositories")
            .EnumerateArray().Select(r => r.GetProperty("repositoryName").GetString()!).ToList();
        Assert.Equal(names, all.Where(n => n.StartsWith("paging/", StringComparison.Ordinal)).ToList());
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_wrong_secret_or_unknown_key_is_reported_by_the_cli(bool v1)
    {
        Fails(await ecr.EcrAsync(v1, "not-the-secret", "describe-repositories"), "InvalidSignatureException");
        var args = new List<string>();
        if (v1) args.AddRange(["-m", "awscli"]);
        args.AddRange(["--endpoint-url", ecr.Endpoint, "ecr", "describe-repositories"]);
        var unknown = await ToolRunner.RunAsync(v1 ? "python3" : EcrTestHost.CliV2, args, ecr.AwsEnv(accessKey: "AKIDUNKNOWN"));
        Fails(unknown, "UnrecognizedClientException");
    }
}
