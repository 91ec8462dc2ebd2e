namespace Lamina.Cli.Tests;

/// <summary>
/// lamina deploy from a Dockerfile: built with Lamina.Build (FROM the echo image in the server's registry, no RUN
/// step so no root needed), pushed, created and invoked; a Dockerfile that does not build is exit 1 and creates nothing.
/// </summary>
public sealed class DeployBuildTests(DeployFixture server) : IClassFixture<DeployFixture>
{
    [Fact]
    public async Task Dockerfile_deploy_builds_pushes_creates_and_the_function_answers()
    {
        var context = Directory.CreateTempSubdirectory("lamina-cd-ctx-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(context, "marker.txt"), "deployed\n");
            File.WriteAllText(Path.Combine(context, "Dockerfile"),
                $"FROM {server.Host.BaseAddress.Authority}/cli/echo:v1\nCOPY marker.txt /marker.txt\nENV DEPLOYED=yes\n");
            var deploy = await server.LaminaAsync("deploy", "built", context, "--cache-dir", Path.Combine(context, ".cache"));
            Assert.True(deploy.ExitCode == 0, deploy.ToString());
            Assert.Contains("Created arn:aws:lambda:", deploy.Stdout, StringComparison.Ordinal);
            Assert.Contains("build+push", deploy.Stdout, StringComparison.Ordinal);
            // The tag is derived from the built manifest's digest; the pull the server did before Active is summarised.
            var digest = Line(deploy.Stdout, "digest  sha256:")["digest  sha256:".Length..];
            Assert.Contains($"/built:deploy-{digest[..12]}", deploy.Stdout, StringComparison.Ordinal);
            Assert.Matches(@"Pulled and unpacked: [1-9][0-9]* layers", deploy.Stdout);

            // A second deploy straight after (same second) with new content gets its own tag, and the function its image.
            File.WriteAllText(Path.Combine(context, "marker.txt"), "deployed again\n");
            var again = await server.LaminaAsync("deploy", "built", context, "--cache-dir", Path.Combine(context, ".cache"), "--output", "json");
            Assert.True(again.ExitCode == 0, again.ToString());
            var result = System.Text.Json.JsonDocument.Parse(again.Stdout).RootElement;
            var digest2 = result.GetProperty("imageDigest").GetString()!["sha256:".Length..];
            Assert.NotEqual(digest, digest2);
            Assert.EndsWith($"/built:deploy-{digest2[..12]}", result.GetProperty("imageUri").GetString(), StringComparison.Ordinal);
            Assert.True(result.GetProperty("imagePull").GetProperty("layers").GetInt32() > 0, again.Stdout);
            var inspect = await server.LaminaAsync("functions", "inspect", "built");
            Assert.Contains($"deploy-{digest2[..12]}", inspect.Stdout, StringComparison.Ordinal);

            var invoke = await server.LaminaAsync("invoke", "built", "--payload", """{"built":true}""");
            Assert.True(invoke.ExitCode == 0, invoke.ToString());
            Assert.Contains("\"built\":true", invoke.Stdout, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM scratch\nNOSUCHINSTRUCTION x\n");
            var broken = await server.LaminaAsync("deploy", "broken", context, "--cache-dir", Path.Combine(context, ".cache"));
            Assert.True(broken.ExitCode == 1, broken.ToString());
            Assert.Contains("build failed", broken.Stderr, StringComparison.Ordinal);
            var none = await server.LaminaAsync("functions", "inspect", "broken");
            Assert.Equal(1, none.ExitCode);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }

    private static string Line(string text, string containing) =>
        text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains(containing, StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no line with '{containing}' in:\n{text}");
}
