using System.ComponentModel;
using System.Diagnostics;
using Lamina.Server;

namespace Lamina.Tests.Shared;

/// <summary>
/// The real AWS CLIs against a test server, with its keys and no user configuration. One file, linked
/// (<c>&lt;Compile Include="..\Shared\AwsTool.cs"/&gt;</c>) into each test project that drives the CLIs.
/// </summary>
public static class AwsTool
{
    /// <summary>AWS CLI v2 (Debian's package).</summary>
    public const string CliV2 = "/usr/bin/aws";

    /// <summary>The pip AWS CLI v1 (<c>aws</c> on PATH): Debian's v2 (2.9) predates LoggingConfig, v1's botocore has it.</summary>
    public const string CliV1 = "aws";

    /// <summary>A finished CLI run.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    /// <summary>Runs <c>aws --endpoint-url HOST --output json ARGS</c> with CLI v2; the exit code and both streams, never throws on failure.</summary>
    public static Task<Result> RunAsync(LaminaHost host, params string[] args) => RunAsync(CliV2, host, args);

    /// <summary>As <see cref="RunAsync(LaminaHost, string[])"/> with the pip CLI v1.</summary>
    public static Task<Result> RunV1Async(LaminaHost host, params string[] args) => RunAsync(CliV1, host, args);

    /// <summary>Runs <paramref name="cli"/> as <see cref="RunAsync(LaminaHost, string[])"/>; stdout, or an exception carrying the output when it fails.</summary>
    public static async Task<string> RunCheckedAsync(string cli, LaminaHost host, params string[] args)
    {
        var run = await RunAsync(cli, host, args);
        if (run.ExitCode != 0) throw new InvalidOperationException($"aws {string.Join(' ', args)} failed: {run.Stdout}{run.Stderr}");
        return run.Stdout;
    }

    /// <summary>Runs <paramref name="cli"/> (<see cref="CliV2"/> or <see cref="CliV1"/>) against <paramref name="host"/>; a missing CLI says how to get it.</summary>
    public static async Task<Result> RunAsync(string cli, LaminaHost host, string[] args)
    {
        var start = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--endpoint-url", host.BaseAddress.ToString().TrimEnd('/'), "--output", "json", .. args]) start.ArgumentList.Add(a);
        start.Environment["AWS_ACCESS_KEY_ID"] = host.Credentials.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = host.Credentials.SecretAccessKey;
        start.Environment["AWS_DEFAULT_REGION"] = host.Credentials.Region;
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_PAGER"] = "";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{cli} is required for this test ({e.Message}); ./test.sh installs it", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return new Result(process.ExitCode, await stdout, await stderr);
        }
    }
}
