using System.Diagnostics;
using Lamina.Build.Tests.Fixtures;

namespace Lamina.Build.Tests;

/// <summary><c>lamina build</c> as a user runs it: a separate process, plain progress lines, OCI archive output and push.</summary>
public sealed class CliTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Build_prints_steps_writes_an_archive_pushes_and_marks_cached_steps()
    {
        var ws = new Workspace(registry, "cli");
        ws.File("app/handler.sh", "echo hello\n");
        ws.Dockerfile("FROM {BASE}\nARG VERSION=1\nCOPY app /var/task/\nRUN echo v$VERSION > /var/task/version\nCMD [\"/var/task/handler.sh\"]\n");
        var archive = Path.Combine(ws.Root, "image.tar");
        string[] args = ["build", "-t", "apps/hello:v1", "--build-arg", "VERSION=2", "--output", $"type=oci,dest={archive}", "--push",
            "--cache-dir", ws.Cache, "--endpoint", $"http://{registry.Registry}",
            "--access-key", registry.Credentials.Username, "--secret-key", registry.Credentials.Password, ws.Context];

        var first = await RunAsync(args);
        Assert.True(first.Exit == 0, first.Output);
        Assert.Contains("#3 [3/5] COPY app /var/task/", first.Output);
        Assert.Contains("RUN /bin/sh -c echo v$VERSION > /var/task/version", first.Output);
        Assert.Contains($"Pushed {registry.Registry}/apps/hello:v1@sha256:", first.Output);
        Assert.True(File.Exists(archive));

        var inspect = Tool.Run("/usr/bin/skopeo", "inspect", "--config", "--tls-verify=false", "--creds",
            $"{registry.Credentials.Username}:{registry.Credentials.Password}", $"docker://{registry.Registry}/apps/hello:v1");
        Assert.Contains("/var/task/handler.sh", inspect);
        var fromArchive = Tool.Run("/usr/bin/skopeo", "inspect", "--config", $"oci-archive:{archive}:v1");
        Assert.Contains("/var/task/handler.sh", fromArchive);

        var second = await RunAsync(args);
        Assert.True(second.Exit == 0, second.Output);
        Assert.Contains("#3 CACHED", second.Output);
        Assert.Contains("#4 CACHED", second.Output);
        Assert.Contains("(0 blobs uploaded, 4 already there)", second.Output);
    }

    [Fact]
    public async Task A_failing_build_exits_1_with_the_line_and_usage_errors_exit_2()
    {
        var ws = new Workspace(registry, "cli-bad");
        ws.Dockerfile("FROM {BASE}\nRUN echo nope && exit 3\n");
        var failed = await RunAsync(["build", "--cache-dir", ws.Cache, "--endpoint", $"http://{registry.Registry}",
            "--access-key", registry.Credentials.Username, "--secret-key", registry.Credentials.Password, ws.Context]);
        Assert.True(failed.Exit == 1, failed.Output);
        Assert.Contains("lamina: Dockerfile:2: RUN:", failed.Output);
        Assert.Contains("exit code 3", failed.Output);

        var usage = await RunAsync(["build", "--output", "type=docker", ws.Context]);
        Assert.Equal(2, usage.Exit);
        Assert.Contains("only type=oci is supported", usage.Output);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string[] args)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var dll = Enumerable.Range(0, 8).Select(i => here.FullName + string.Concat(Enumerable.Repeat("/..", i)))
            .Select(d => Path.GetFullPath(Path.Combine(d, "src/Lamina.Cli/bin", here.Parent!.Name, here.Name, "lamina.dll")))
            .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("lamina.dll not found: build src/Lamina.Cli first");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "LAMINA_ENDPOINT" }) psi.Environment.Remove(name);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, stdout + await stderr);
    }
}
