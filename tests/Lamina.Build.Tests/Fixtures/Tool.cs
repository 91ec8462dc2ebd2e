using System.Diagnostics;

namespace Lamina.Build.Tests.Fixtures;

/// <summary>Runs a host tool (skopeo, umoci, runc) to completion; throws with its output when it fails or is missing.</summary>
internal static class Tool
{
    public static string Run(string file, params string[] args)
    {
        if (!File.Exists(file)) throw new InvalidOperationException($"{file} is missing: run ./test.sh (it installs the test tools)");
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {output}{stderr.Result}");
        return output;
    }
}
