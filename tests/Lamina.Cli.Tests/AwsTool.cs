using Lamina.Server;

namespace Lamina.Cli.Tests;

/// <summary>The real AWS CLIs against a test server, with its keys and no user configuration.</summary>
public static class AwsTool
{
    /// <summary>Runs <c>aws --endpoint-url HOST --output json ARGS</c> with CLI v2 (/usr/bin/aws); the exit code and both streams, never throws on failure.</summary>
    public static Task<CliRunner.Result> RunAsync(LaminaHost host, params string[] args) => RunAsync("/usr/bin/aws", host, args);

    /// <summary>As <see cref="RunAsync(LaminaHost, string[])"/> with the pip CLI v1 (<c>aws</c> on PATH): Debian's v2 (2.9) predates LoggingConfig.</summary>
    public static Task<CliRunner.Result> RunV1Async(LaminaHost host, params string[] args) => RunAsync("aws", host, args);

    private static async Task<CliRunner.Result> RunAsync(string file, LaminaHost host, string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--endpoint-url", host.BaseAddress.ToString().TrimEnd('/'), "--output", "json", .. args]) start.ArgumentList.Add(a);
        start.Environment["AWS_ACCESS_KEY_ID"] = host.Credentials.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = host.Credentials.SecretAccessKey;
        start.Environment["AWS_DEFAULT_REGION"] = host.Credentials.Region;
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_PAGER"] = "";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{file} is required for this test ({e.Message}); ./test.sh installs it", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return new CliRunner.Result(process.ExitCode, await stdout, await stderr);
        }
    }
}
