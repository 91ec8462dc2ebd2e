using System.Net;
using System.Text.Json;
using Lamina.Registry.Auth;
using Lamina.Registry.Tests.Interop;

namespace Lamina.Registry.Tests.Ecr;

/// <summary>
/// The .NET SDK's registry client (<c>dotnet publish -t:PublishContainer</c>) follows the Bearer challenge
/// with ECR login credentials, pulling its base image from and pushing the app image to an auth-on Lamina.
/// </summary>
public sealed class PublishContainerAuthTests(EcrTestHost ecr) : IClassFixture<EcrTestHost>
{
    [Fact]
    public async Task Dotnet_publish_container_logs_in_with_the_ecr_password()
    {
        var work = Directory.CreateTempSubdirectory("lamina-publish-auth-").FullName;
        try
        {
            var login = await ecr.EcrAsync(false, null, "get-login-password");
            Assert.True(login.ExitCode == 0, login.ToString());
            var password = login.Stdout.Trim();
            var registry = ecr.Authority;

            var baseLayout = Path.Combine(work, "base");
            OciLayout.Create(baseLayout, "1", 1024);
            var push = await Tool.RunAsync("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", "AWS:" + password, $"oci:{baseLayout}:1", $"docker://{registry}/base/runtime:1");
            Assert.True(push.ExitCode == 0, push.Output);

            var dockerConfig = Path.Combine(work, "docker-config");
            Directory.CreateDirectory(dockerConfig);
            var publish = await SampleContainerApp.PublishAsync(work, registry, "secure/app", new Dictionary<string, string>
            {
                ["DOTNET_CONTAINER_REGISTRY_UNAME"] = "AWS",
                ["DOTNET_CONTAINER_REGISTRY_PWORD"] = password,
                ["DOCKER_CONFIG"] = dockerConfig, // no credentials from the host's docker config
            });
            Assert.True(publish.ExitCode == 0, publish.Output);

            using var http = new HttpClient { BaseAddress = ecr.Host.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/secure/app/manifests/v1");
            request.Headers.TryAddWithoutValidation("Authorization", new BasicCredentials("AWS", password).ToHeader());
            request.Headers.TryAddWithoutValidation("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json");
            using var get = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            using var doc = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
            Assert.Equal(2, doc.RootElement.GetProperty("layers").GetArrayLength());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
