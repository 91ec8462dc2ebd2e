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
            Assert.Contains("/built:deploy-", deploy.Stdout, StringComparison.Ordinal);
            Assert.Contains("build+push", deploy.Stdout, StringComparison.Ordinal);

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
}
