using System.Diagnostics;

namespace Lamina.Environments.Tests.Fixtures;

/// <summary>Runs a host tool to completion; throws with its output when it fails.</summary>
internal static class Tool
{
    public static string Run(string file, params string[] args)
    {
        if (!File.Exists(file)) throw new InvalidOperationException($"{file} is missing: run ./test.sh (it installs the test tools)");
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start");
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {output}{stderr.Result}");
        return output + stderr.Result;
    }
}
