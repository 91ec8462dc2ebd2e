using System.Diagnostics;

namespace Lamina.Runtimes;

/// <summary>Runs a host tool to completion; a missing tool or a failure becomes a <see cref="RuntimeBuildException"/>.</summary>
internal static class Tool
{
    public static string Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new RuntimeBuildException($"{file} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RuntimeBuildException($"{file} is required ({e.Message}); install it (apt-get install -y {file}).");
        }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
                throw new RuntimeBuildException($"{file} {string.Join(' ', psi.ArgumentList)} failed (exit {p.ExitCode}): {Tail(stderr.Result)}");
            return output;
        }
    }

    private static string Tail(string text) => text.Length > 4000 ? "…" + text[^4000..] : text;
}
