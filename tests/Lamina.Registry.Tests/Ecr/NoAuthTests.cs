using System.Net;
using Lamina.Registry.Ecr.Lifecycle;
using Lamina.Server;

namespace Lamina.Registry.Tests.Ecr;

public class NoAuthTests
{
    [Fact]
    public async Task With_auth_off_the_ecr_api_and_registry_accept_any_caller()
    {
        var dataDir = Directory.CreateTempSubdirectory("lamina-noauth-").FullName;
        try
        {
            await using var host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = dataDir, AuthEnabled = false });
            await host.StartAsync();
            var env = new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = "anything", ["AWS_SECRET_ACCESS_KEY"] = "anything", ["AWS_DEFAULT_REGION"] = "eu-west-3",
                ["AWS_CONFIG_FILE"] = "/dev/null", ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null", ["AWS_PAGER"] = "",
            };
            var result = await ToolRunner.RunAsync(EcrTestHost.CliV2,
                ["--endpoint-url", host.BaseAddress.ToString(), "ecr", "create-repository", "--repository-name", "open/app"], env);
            Assert.True(result.ExitCode == 0, result.ToString());
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            using var response = await http.GetAsync(new Uri("/v2/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Theory]
    [InlineData("/v2/team/app/manifests/v1", "team/app")]
    [InlineData("/v2/a/manifests/sha256:abc", "a")]
    [InlineData("/v2/a/blobs/uploads/x", null)]
    [InlineData("/v2/Bad/manifests/v1", null)]
    [InlineData("/other/a/manifests/v1", null)]
    public void Manifest_pushes_are_recognised_by_path(string path, string? repository) =>
        Assert.Equal(repository, ManifestPushWatcher.RepositoryOfManifestPath(path));
}
