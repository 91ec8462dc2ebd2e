using Lamina.Server;

namespace Lamina.Cli.Tests;

/// <summary>A real Lamina server (auth on, port 0, temporary data directory) shared by one test class.</summary>
public sealed class CliServerFixture : IAsyncLifetime
{
    public string DataDir { get; } = Directory.CreateTempSubdirectory("lamina-cli-").FullName;
    public string AwsDir { get; } = Directory.CreateTempSubdirectory("lamina-cli-aws-").FullName;
    public LaminaHost Host { get; private set; } = null!;
    public string Endpoint => Host.BaseAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(AwsDir, "config"), "");
        File.WriteAllText(Path.Combine(AwsDir, "credentials"), "");
        Host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = DataDir, AuthEnabled = true });
        await Host.StartAsync();
    }

    /// <summary>Runs lamina with --endpoint and --data-dir pointing at this server (credentials from its data directory).</summary>
    public Task<CliRunner.Result> LaminaAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--endpoint", Endpoint, "--data-dir", DataDir]);

    /// <summary>Runs the AWS CLI v2 against this server with its keys, isolated from the host's AWS configuration.</summary>
    public Task<CliRunner.Result> AwsAsync(params string[] args) => ToolAsync("/usr/bin/aws", ["--endpoint-url", Endpoint, "--output", "json", .. args]);

    private async Task<CliRunner.Result> ToolAsync(string file, string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["AWS_ACCESS_KEY_ID"] = Host.Credentials.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = Host.Credentials.SecretAccessKey;
        start.Environment["AWS_DEFAULT_REGION"] = Host.Credentials.Region;
        start.Environment["AWS_CONFIG_FILE"] = Path.Combine(AwsDir, "config");
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(AwsDir, "credentials");
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

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
        Directory.Delete(AwsDir, recursive: true);
    }
}
