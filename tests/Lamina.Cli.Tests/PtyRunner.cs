using System.Diagnostics;
using System.Text;

namespace Lamina.Cli.Tests;

/// <summary>
/// Runs the built <c>lamina.dll</c> under a real pseudo-terminal: <c>script -qfec CMD /dev/null</c> (util-linux, in
/// bsdutils) gives the child a pty for stdin, stdout and stderr and copies what the child writes there to its own
/// stdout, escape sequences included — what a user's terminal would receive.
/// </summary>
public static class PtyRunner
{
    /// <summary>Environment variables by which Spectre.Console decides it runs under CI and stops drawing live output.</summary>
    private static readonly string[] CiVariables =
        ["CI", "GITHUB_ACTIONS", "GITLAB_CI", "TF_BUILD", "JENKINS_URL", "TRAVIS", "APPVEYOR", "TEAMCITY_VERSION", "CONTINUOUS_INTEGRATION", "BUILD_NUMBER"];

    public static async Task<CliRunner.Result> RunAsync(IEnumerable<string> args)
    {
        const string Script = "/usr/bin/script";
        if (!File.Exists(Script)) throw new InvalidOperationException($"{Script} (Debian package bsdutils) is required for the terminal tests; ./test.sh installs it");
        var command = string.Join(' ', new[] { "dotnet", CliRunner.LaminaDll }.Concat(args).Select(Quote));
        var start = new ProcessStartInfo(Script)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var a in new[] { "-q", "-f", "-e", "-c", command, "/dev/null" }) start.ArgumentList.Add(a);
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "LAMINA_ENDPOINT", "NO_COLOR" }.Concat(CiVariables))
            start.Environment.Remove(name);
        start.Environment["TERM"] = "xterm-256color";
        start.Environment["XDG_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "lamina-cli-no-data-" + Environment.ProcessId);
        // An end of input reaches the pty as ^D: harmless, the commands run here read no stdin.
        return await CliRunner.RunAsync(start, null, $"lamina {string.Join(' ', args)} under a pty");
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The output with escape characters made visible, for assertion messages.</summary>
    public static string Visible(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var ch in text) b.Append(ch == '\x1b' ? "\\e" : ch.ToString());
        return b.ToString();
    }
}
