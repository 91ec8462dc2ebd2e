using System.Net;
using System.Text.Json;
using Lamina.Registry.Tests.Distribution;

namespace Lamina.Registry.Tests.Interop;

/// <summary>
/// <c>dotnet publish -t:PublishContainer</c> (the .NET SDK's own registry client) builds an app image on a base
/// image pulled from Lamina and pushes the result back to Lamina.
/// </summary>
public class PublishContainerTests
{
    [Fact]
    public async Task Dotnet_publish_container_pulls_its_base_from_lamina_and_pushes_the_app_image()
    {
        await using var server = await RegistryServer.StartAsync();
        var work = Directory.CreateTempSubdirectory("lamina-publish-").FullName;
        try
        {
            var registry = $"{server.Host.BaseAddress.Host}:{server.Host.BaseAddress.Port}";
            var baseLayout = Path.Combine(work, "base");
            OciLayout.Create(baseLayout, "1", 1024);
            var push = await Tool.RunAsync("skopeo", "copy", "--dest-tls-verify=false", $"oci:{baseLayout}:1", $"docker://{registry}/base/runtime:1");
            Assert.True(push.ExitCode == 0, push.Output);

            var publish = await SampleContainerApp.PublishAsync(work, registry, "team/app");
            Assert.True(publish.ExitCode == 0, publish.Output);

            using var get = await server.Http.GetAsync("/v2/team/app/manifests/v1");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            using var doc = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
            var layers = doc.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()).ToList();
            Assert.Equal(2, layers.Count); // the base layer and the app layer
            foreach (var layer in layers)
            {
                using var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/team/app/blobs/{layer}"));
                Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
