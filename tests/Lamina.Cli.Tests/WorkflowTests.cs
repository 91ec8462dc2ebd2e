using System.Text.Json;

namespace Lamina.Cli.Tests;

/// <summary>The new-user path: push an OCI layout, see it, create a function on it, list, inspect, invoke, remove.</summary>
public sealed class WorkflowTests(CliServerFixture server) : IClassFixture<CliServerFixture>
{
    [Fact]
    public async Task PushListCreateInspectInvokeRemove()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-cli-oci-").FullName;
        try
        {
            var layout = OciLayoutBuilder.Create(dir, "v1", "workflow", layerKiB: 8, layers: 2);

            var push = await server.LaminaAsync("push", dir + ":v1", "hello:v1");
            Assert.True(push.ExitCode == 0, push.ToString());
            Assert.Contains("3 blobs uploaded, 0 already there", push.Stdout, StringComparison.Ordinal);

            // A second push finds every blob with HEAD and uploads nothing.
            var again = await server.LaminaAsync("push", dir, "hello:v2", "--output", "json");
            Assert.True(again.ExitCode == 0, again.ToString());
            using (var doc = JsonDocument.Parse(again.Stdout))
            {
                Assert.Equal(0, doc.RootElement.GetProperty("blobsUploaded").GetInt32());
                Assert.Equal(3, doc.RootElement.GetProperty("blobsSkipped").GetInt32());
                Assert.Equal(layout.ManifestDigest, doc.RootElement.GetProperty("digest").GetString());
            }

            var ls = await server.LaminaAsync("images", "ls");
            Assert.True(ls.ExitCode == 0, ls.ToString());
            Assert.Contains("hello", ls.Stdout, StringComparison.Ordinal);
            Assert.Contains("v1", ls.Stdout, StringComparison.Ordinal);
            Assert.Contains(layout.ManifestDigest[..19], ls.Stdout, StringComparison.Ordinal);

            var lsJson = await server.LaminaAsync("images", "ls", "hello", "-o", "json");
            Assert.True(lsJson.ExitCode == 0, lsJson.ToString());
            using (var doc = JsonDocument.Parse(lsJson.Stdout))
            {
                var repo = Assert.Single(doc.RootElement.GetProperty("repositories").EnumerateArray());
                Assert.Equal("hello", repo.GetProperty("repositoryName").GetString());
                var image = Assert.Single(repo.GetProperty("images").EnumerateArray());
                Assert.Equal(layout.ManifestDigest, image.GetProperty("imageDigest").GetString());
                var tags = image.GetProperty("imageTags").EnumerateArray().Select(t => t.GetString() ?? "").Order().ToArray();
                Assert.Equal(new[] { "v1", "v2" }, tags);
            }

            var inspect = await server.LaminaAsync("images", "inspect", "hello:v1", "-o", "json");
            Assert.True(inspect.ExitCode == 0, inspect.ToString());
            using (var doc = JsonDocument.Parse(inspect.Stdout))
            {
                var layers = doc.RootElement.GetProperty("manifest").GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString() ?? "").ToArray();
                Assert.Equal(layout.BlobDigests.Skip(1), layers);
            }

            var create = await server.AwsAsync("lambda", "create-function", "--function-name", "hello", "--package-type", "Image",
                "--code", $"ImageUri={server.Host.BaseAddress.Authority}/hello:v1", "--role", "arn:aws:iam::000000000000:role/x",
                "--memory-size", "256", "--timeout", "30");
            Assert.True(create.ExitCode == 0, create.ToString());

            var fls = await server.LaminaAsync("functions", "ls");
            Assert.True(fls.ExitCode == 0, fls.ToString());
            Assert.Contains("hello", fls.Stdout, StringComparison.Ordinal);
            Assert.Contains("256 MB", fls.Stdout, StringComparison.Ordinal);
            Assert.Contains("30 s", fls.Stdout, StringComparison.Ordinal);
            Assert.Contains("/hello:v1", fls.Stdout, StringComparison.Ordinal);

            var state = await WaitForActiveAsync("hello");
            Assert.Equal("Active", state);

            var finspect = await server.LaminaAsync("functions", "inspect", "hello");
            Assert.True(finspect.ExitCode == 0, finspect.ToString());
            using (var doc = JsonDocument.Parse(finspect.Stdout))
                Assert.Equal(256, doc.RootElement.GetProperty("Configuration").GetProperty("MemorySize").GetInt32());

            // No scheduler yet: the server's ServiceException is shown and the exit code is 1.
            var invoke = await server.LaminaAsync("invoke", "hello", "--payload", """{"x":1}""", "--log");
            Assert.Equal(1, invoke.ExitCode);
            Assert.Contains("ServiceException", invoke.Stderr, StringComparison.Ordinal);
            Assert.Contains("no execution environments", invoke.Stderr, StringComparison.Ordinal);

            var invokeJson = await server.LaminaAsync("invoke", "hello", "-o", "json");
            Assert.Equal(1, invokeJson.ExitCode);
            using (var doc = JsonDocument.Parse(invokeJson.Stdout))
                Assert.Equal("ServiceException", doc.RootElement.GetProperty("error").GetProperty("type").GetString());

            var rm = await server.LaminaAsync("functions", "rm", "hello");
            Assert.True(rm.ExitCode == 0, rm.ToString());
            var gone = await server.LaminaAsync("functions", "inspect", "hello");
            Assert.Equal(1, gone.ExitCode);
            Assert.Contains("ResourceNotFoundException", gone.Stderr, StringComparison.Ordinal);

            var irm = await server.LaminaAsync("images", "rm", "hello:v2");
            Assert.True(irm.ExitCode == 0, irm.ToString());
            var after = await server.LaminaAsync("images", "ls", "hello", "-o", "json");
            Assert.DoesNotContain("\"v2\"", after.Stdout, StringComparison.Ordinal);
            Assert.Contains("\"v1\"", after.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<string> WaitForActiveAsync(string name)
    {
        var state = "";
        for (var i = 0; i < 240 && state != "Active" && state != "Failed"; i++)
        {
            var r = await server.LaminaAsync("functions", "inspect", name);
            Assert.True(r.ExitCode == 0, r.ToString());
            using var doc = JsonDocument.Parse(r.Stdout);
            state = doc.RootElement.GetProperty("Configuration").GetProperty("State").GetString() ?? "";
            if (state is not ("Active" or "Failed")) await Task.Delay(250);
        }
        return state;
    }
}
