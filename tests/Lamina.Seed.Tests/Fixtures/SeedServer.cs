using System.Text;
using System.Text.Json;
using Lamina.Cli.Tests;
using Lamina.Control.Tests;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Scheduler;
using Lamina.Server;
using Microsoft.Extensions.Logging;

namespace Lamina.Seed.Tests.Fixtures;

/// <summary>
/// One real Lamina server for the class (port 0, auth on, execution on, short data path: the control socket
/// path limit is 107 bytes) with Lamina's base images published by <c>lamina runtimes publish</c> (Debian layers
/// from the shared test cache), and helpers that drive the real <c>lamina</c> CLI and AWS CLI v2 against it.
/// </summary>
public sealed class SeedServer : IAsyncLifetime
{
    public const string CliV2 = "/usr/bin/aws";
    public const string RuntimesCache = "/var/tmp/lamina-runtimes-test-cache";
    private readonly string _dir = Directory.CreateTempSubdirectory("lseed-").FullName;

    public LaminaHost Host { get; private set; } = null!;
    public string DataDir => Path.Combine(_dir, "d");
    public string Authority => Host.BaseAddress.Authority;
    public string Endpoint => Host.BaseAddress.ToString().TrimEnd('/');
    public string BuildCache => Path.Combine(_dir, "build-cache");

    /// <summary>The repository's samples/ directory (found above the test assembly).</summary>
    public static string Samples { get; } = FindSamples();

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_dir, "aws-config"), "");
        File.WriteAllText(Path.Combine(_dir, "aws-credentials"), "");
        Host = LaminaHost.Create(new LaminaOptions
        {
            Port = 0,
            DataDir = DataDir,
            AuthEnabled = true,
            Execution = new ExecutionOptions
            {
                Enabled = true, AgentBinary = AgentBinary.Path, IdleTimeout = TimeSpan.FromMinutes(10),
                CgroupParent = "lamina-seedtest-" + Guid.NewGuid().ToString("N")[..10],
            },
        }, l => l.SetMinimumLevel(LogLevel.Warning));
        await Host.StartAsync();
        var publish = await LaminaAsync("runtimes", "publish", "--layout", Path.Combine(_dir, "runtimes"),
            "--agent", AgentBinary.Path, "--cache-dir", RuntimesCache);
        Assert.True(publish.ExitCode == 0, $"lamina runtimes publish: {publish}");
    }

    /// <summary>Runs lamina with this server's --endpoint and --data-dir (its keys).</summary>
    public Task<CliRunner.Result> LaminaAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--endpoint", Endpoint, "--data-dir", DataDir]);

    /// <summary><c>lamina build --push -t REPO:TAG CONTEXT</c> from this server's base images; fails the test when it fails.</summary>
    public async Task<CliRunner.Result> BuildAndPushAsync(string context, string image)
    {
        var r = await LaminaAsync("build", "--build-arg", $"REGISTRY={Authority}", "-t", image, "--push", "--cache-dir", BuildCache, context);
        Assert.True(r.ExitCode == 0, $"lamina build {image}: {r}");
        return r;
    }

    /// <summary>A copy of samples/NAME in a fresh directory (one per call), so a test can change its code.</summary>
    public string CopySample(string name)
    {
        var target = Directory.CreateDirectory(Path.Combine(_dir, $"ctx-{name}-{Guid.NewGuid():N}"[..40])).FullName;
        var source = Path.Combine(Samples, name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }
        return target;
    }

    private Dictionary<string, string> AwsEnv() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = Host.Credentials.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = Host.Credentials.SecretAccessKey,
        ["AWS_DEFAULT_REGION"] = Host.Credentials.Region,
        ["AWS_REGION"] = Host.Credentials.Region,
        ["AWS_CONFIG_FILE"] = Path.Combine(_dir, "aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_dir, "aws-credentials"),
        ["AWS_PAGER"] = "",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_MAX_ATTEMPTS"] = "1",
    };

    /// <summary><c>/usr/bin/aws --endpoint-url SERVER ARGS</c>; fails the test when the CLI does; returns stdout.</summary>
    public async Task<string> AwsAsync(params string[] args)
    {
        Assert.True(File.Exists(CliV2), $"{CliV2} (AWS CLI v2) is missing: ./test.sh installs it");
        var r = await ToolRunner.RunAsync(CliV2, ["--endpoint-url", Endpoint, "--output", "json", .. args], AwsEnv());
        Assert.True(r.ExitCode == 0, $"aws {string.Join(' ', args)}: {r}");
        return r.Stdout;
    }

    /// <summary><c>aws lambda invoke</c> with a JSON payload: the CLI's StatusCode, FunctionError and the answer.</summary>
    public async Task<(int Status, string? Error, string Body)> InvokeAsync(string name, string payload)
    {
        var outFile = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".out");
        var meta = JsonDocument.Parse(await AwsAsync("lambda", "invoke", "--function-name", name,
            "--cli-binary-format", "raw-in-base64-out", "--payload", payload, outFile)).RootElement;
        var body = await File.ReadAllTextAsync(outFile, Encoding.UTF8);
        File.Delete(outFile);
        return (meta.GetProperty("StatusCode").GetInt32(), meta.TryGetProperty("FunctionError", out var e) ? e.GetString() : null, body);
    }

    /// <summary>samples/NAME/bin/CONFIG/TFM, built by the test project's reference, with the configuration and TFM of this test assembly.</summary>
    public static string SampleBuildOutput(string name)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var output = Path.Combine(Samples, name, "bin", here.Parent!.Name, here.Name);
        Assert.True(Directory.Exists(output), $"{output} is missing: build tests/Lamina.Seed.Tests first");
        return output;
    }

    /// <summary>Copies the files of <paramref name="source"/> (not its subdirectories) into <paramref name="target"/>.</summary>
    public static void CopyFiles(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
    }

    private static string FindSamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lamina.slnx"))) return Path.Combine(dir.FullName, "samples");
        throw new InvalidOperationException("Lamina.slnx not found above " + AppContext.BaseDirectory);
    }

    public async Task DisposeAsync()
    {
        // Hosted services stop only through StopAsync: the scheduler destroys its environments and removes this
        // server's cgroup parent there (disposing alone left one empty lamina-seedtest-* parent per run).
        await Host.StopAsync();
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { } // a sandbox left behind by a failed test must not hide the test's own failure
        catch (UnauthorizedAccessException) { }
    }
}
