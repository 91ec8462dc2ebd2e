namespace Lamina.Registry.Tests.Ecr;

/// <summary>boto3 (the Python SDK: its own serializer, paginators and error parsing) against the ECR API.</summary>
public sealed class Boto3Tests(EcrTestHost ecr) : IClassFixture<EcrTestHost>
{
    [Fact]
    public async Task Boto3_creates_pages_sets_policies_and_parses_errors()
    {
        var script = Path.Combine(Path.GetTempPath(), $"lamina-boto3-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, Boto3Script.Text);
        ToolRunner.Result result;
        try
        {
            result = await ToolRunner.RunAsync("python3", [script, ecr.Endpoint], ecr.AwsEnv());
        }
        finally
        {
            File.Delete(script);
        }
        Assert.True(result.ExitCode == 0 && result.Stdout.Trim() == "OK", result.ToString());
    }

    [Fact]
    public async Task Boto3_with_a_wrong_secret_gets_InvalidSignatureException()
    {
        var result = await ToolRunner.RunAsync("python3",
            ["-c", "import boto3,sys\ntry:\n boto3.client('ecr', endpoint_url=sys.argv[1]).describe_repositories()\nexcept Exception as e:\n print(e.response['Error']['Code'])", ecr.Endpoint],
            ecr.AwsEnv(secret: "wrong"));
        Assert.Equal("InvalidSignatureException", result.Stdout.Trim());
    }
}
