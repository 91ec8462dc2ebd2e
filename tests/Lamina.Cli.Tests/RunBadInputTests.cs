using System.Net;
using System.Net.Sockets;

namespace Lamina.Cli.Tests;

/// <summary><c>lamina run</c> refuses bad input with a clear message and a non-zero exit code, leaving nothing running.</summary>
public sealed class RunBadInputTests(RunFixture fixture) : IClassFixture<RunFixture>
{
    [Fact]
    public async Task An_image_that_does_not_exist_is_not_found_exit_1()
    {
        await using var run = await fixture.StartAsync("-p", RunProcess.FreePort().ToString(), $"{fixture.Host.BaseAddress.Authority}/run/missing:v9");
        Assert.Equal(1, await run.WaitForExitAsync());
        Assert.Contains("cannot pull", run.Stderr);
        Assert.Contains("NotFound", run.Stderr);
        // The registry's answer as one human line (a repository never pushed is NAME_UNKNOWN, as ECR says), never its JSON.
        Assert.Contains($"image {fixture.Host.BaseAddress.Authority}/run/missing:v9: NAME_UNKNOWN: repository name not known to registry", run.Stderr);
        Assert.DoesNotContain("{\"errors\"", run.Stderr);
    }

    [Fact]
    public async Task A_port_in_use_is_refused_exit_2()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        await using var run = await fixture.StartAsync("-p", $"{port}:8080", $"oci:{fixture.Layout}:v1");
        Assert.Equal(2, await run.WaitForExitAsync());
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", run.Stderr);
    }

    [Fact]
    public async Task A_directory_that_is_not_an_image_is_refused_exit_2()
    {
        var empty = Directory.CreateTempSubdirectory("lamina-not-an-image-").FullName;
        try
        {
            await using var run = await fixture.StartAsync($"oci:{empty}");
            Assert.Equal(2, await run.WaitForExitAsync());
            Assert.Contains("is not an OCI image layout", run.Stderr);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task An_oci_path_that_does_not_exist_is_refused_exit_2()
    {
        await using var run = await fixture.StartAsync("oci:/nonexistent/layout:v1");
        Assert.Equal(2, await run.WaitForExitAsync());
        Assert.Contains("is not a directory", run.Stderr);
    }

    [Theory]
    [InlineData("-p", "http", "expected HOSTPORT:8080")]
    [InlineData("-p", "9000:80", "expected HOSTPORT:8080")]
    [InlineData("-e", "NOEQUALS", "expected NAME=VALUE")]
    [InlineData("--memory", "64", "--memory must be 128")]
    public async Task Bad_flags_are_usage_errors(string flag, string value, string message)
    {
        await using var run = await fixture.StartAsync(flag, value, $"oci:{fixture.Layout}:v1");
        Assert.Equal(2, await run.WaitForExitAsync());
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public async Task Without_root_it_says_so_exit_2()
    {
        // A world-readable copy of the CLI: the checkout may sit where "nobody" cannot read.
        var bin = Directory.CreateTempSubdirectory("lamina-nonroot-").FullName;
        File.SetUnixFileMode(bin, (UnixFileMode)0b111_101_101);
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(CliRunner.LaminaDll)!))
            File.Copy(f, Path.Combine(bin, Path.GetFileName(f)));
        try
        {
            await RunAsNobodyAsync(Path.Combine(bin, "lamina.dll"));
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    private async Task RunAsNobodyAsync(string laminaDll)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/usr/sbin/runuser") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["-u", "nobody", "--", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", laminaDll, "run", $"oci:{fixture.Layout}:v1"])
            start.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("lamina run needs root", await stderr);
    }

    [Fact]
    public async Task A_runtime_that_fails_to_initialise_is_named_with_where_to_look()
    {
        await using var run = await fixture.StartAsync("-p", RunProcess.FreePort().ToString(), "--entrypoint", "/nonexistent-entrypoint", $"oci:{fixture.Layout}:v1");
        Assert.Equal(1, await run.WaitForExitAsync());
        Assert.Contains("the function's runtime failed to initialise: Runtime.InvalidEntrypoint:", run.Stderr);
        Assert.Contains("/nonexistent-entrypoint", run.Stderr);
        Assert.Contains("Check the image's ENTRYPOINT (or --entrypoint)", run.Stderr);
        Assert.DoesNotContain("\"status\"", run.Stderr);
    }

    [Fact]
    public async Task A_missing_agent_binary_is_named()
    {
        await using var run = await RunProcess.StartAsync(["run", "--agent", "/nonexistent/lamina-init", $"oci:{fixture.Layout}:v1"]);
        Assert.Equal(2, await run.WaitForExitAsync());
        Assert.Contains("lamina-init (the agent run inside the sandbox) was not found", run.Stderr);
    }
}
