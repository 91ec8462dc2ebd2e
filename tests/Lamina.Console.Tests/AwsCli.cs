using System.Diagnostics;
using Lamina.Server;

namespace Lamina.WebConsole.Tests;

/// <summary>AWS CLI v2 (/usr/bin/aws) against a test server, with its keys and no user configuration.</summary>
public static class AwsCli
{
    /// <summary>Runs <c>aws ARGS</c> (CLI v2); throws with its output when it fails; returns stdout.</summary>
    public static Task<string> RunAsync(LaminaHost host, params string[] args) => RunAsync("/usr/bin/aws", host, args);

    /// <summary>Runs the pip AWS CLI v1 (<c>aws</c> on PATH): Debian's v2 (2.9) predates LoggingConfig, v1's botocore has it.</summary>
    public static Task<string> RunV1Async(LaminaHost host, params string[] args) => RunAsync("aws", host, args);

    private static async Task<string> RunAsync(string file, LaminaHost host, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--endpoint-url", host.BaseAddress.ToString().TrimEnd('/'), "--output", "json", .. args]) start.ArgumentList.Add(a);
        start.Environment["AWS_ACCESS_KEY_ID"] = host.Credentials.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = host.Credentials.SecretAccessKey;
        start.Environment["AWS_DEFAULT_REGION"] = host.Credentials.Region;
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_PAGER"] = "";
        using var p = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start (./test.sh installs awscli)");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"aws {string.Join(' ', args)} failed: {await stdout}{await stderr}");
        return await stdout;
    }
}
