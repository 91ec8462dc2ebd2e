using System.Net;
using Lamina.Registry.Tests.Distribution;

namespace Lamina.Registry.Tests.Interop;

/// <summary>skopeo, a real OCI client, pushes an image to Lamina, inspects it and copies it back byte for byte.</summary>
public class SkopeoTests
{
    [Fact]
    public async Task Skopeo_pushes_inspects_and_pulls_an_image_round_trip()
    {
        await using var server = await RegistryServer.StartAsync();
        var work = Directory.CreateTempSubdirectory("lamina-skopeo-").FullName;
        try
        {
            var source = Path.Combine(work, "src");
            var manifestDigest = OciLayout.Create(source, "v1", 3 * 1024 * 1024);
            var registry = $"{server.Host.BaseAddress.Host}:{server.Host.BaseAddress.Port}";

            var push = await Tool.RunAsync("skopeo", "copy", "--dest-tls-verify=false", $"oci:{source}:v1", $"docker://{registry}/team/hello:v1");
            Assert.True(push.ExitCode == 0, push.Output);

            var inspect = await Tool.RunAsync("skopeo", "inspect", "--tls-verify=false", "--raw", $"docker://{registry}/team/hello:v1");
            Assert.True(inspect.ExitCode == 0, inspect.Output);
            using (var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/team/hello/manifests/v1")))
            {
                Assert.Equal(HttpStatusCode.OK, head.StatusCode);
                Assert.Equal(manifestDigest.ToString(), head.Headers.GetValues("Docker-Content-Digest").Single()); // stored byte for byte
            }

            // Pushing again to a second repository mounts or re-uploads; either way the blobs stay stored once.
            var files = server.BlobFileCount();
            var again = await Tool.RunAsync("skopeo", "copy", "--dest-tls-verify=false", $"oci:{source}:v1", $"docker://{registry}/other/hello:latest");
            Assert.True(again.ExitCode == 0, again.Output);
            Assert.Equal(files, server.BlobFileCount());

            var back = Path.Combine(work, "back");
            var pull = await Tool.RunAsync("skopeo", "copy", "--src-tls-verify=false", $"docker://{registry}/team/hello:v1", $"oci:{back}:v1");
            Assert.True(pull.ExitCode == 0, pull.Output);
            foreach (var blob in Directory.EnumerateFiles(Path.Combine(source, "blobs", "sha256")))
            {
                Assert.Equal(File.ReadAllBytes(blob), File.ReadAllBytes(Path.Combine(back, "blobs", "sha256", Path.GetFileName(blob))));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
