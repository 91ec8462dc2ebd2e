using System.Diagnostics;
using System.Text;
using Lamina.Sandbox.Host;
using Lamina.Sandbox.Runc;
using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox.Build;

/// <summary>
/// Runs Dockerfile RUN steps with runc. Each run gets a writable overlay root —
/// <c>lowerdir=&lt;init&gt;:&lt;layers…&gt;, upperdir=&lt;caller's dir&gt;</c> — and <c>runc run</c> in the
/// foreground, so the command's exit code and output come straight back. The <c>init</c> layer holds the
/// mount targets (proc, dev, sys, etc/resolv.conf, etc/hosts) so runc never creates them in the upper
/// directory: the upper directory holds only what the command changed (Docker's "init layer" idea).
/// Whatever happens, the container is deleted (with its cgroups) and the overlay unmounted before returning.
/// </summary>
/// <remarks>
/// <code>
/// &lt;state&gt;/runc/                  runc --root
/// &lt;state&gt;/run/&lt;id&gt;/init/        top lower layer: empty mount targets
/// &lt;state&gt;/run/&lt;id&gt;/work/        overlay workdir (same file system as the upper dir is required:
///                              so the caller's upper dir lives under state too)
/// &lt;state&gt;/run/&lt;id&gt;/bundle/       config.json, rootfs/ (the overlay mount)
/// </code>
/// </remarks>
public sealed class BuildSandbox(string stateDirectory, string cgroupParent = "lamina-build", string runcPath = "/usr/sbin/runc")
{
    private const int TailBytes = 8192;
    private readonly RuncCli _runc = new(runcPath, Path.Combine(Path.GetFullPath(stateDirectory), "runc"));

    /// <summary>The directory of one run (remove only after <see cref="RunAsync"/> returned).</summary>
    public string RunDirectory(string id) => Path.Combine(Path.GetFullPath(stateDirectory), "run", id);

    /// <summary>
    /// Removes what a crashed build left: containers runc still knows, mounts and run directories under the state
    /// directory. Call only while no run is in progress (the builder holds its cache lock).
    /// </summary>
    public async Task RecoverAsync()
    {
        if (Directory.Exists(_runc.StateRoot))
        {
            foreach (var id in await _runc.ListAsync()) await _runc.DeleteAsync(id);
        }
        var runs = Path.Combine(Path.GetFullPath(stateDirectory), "run");
        RootFs.UnmountAll(Path.GetFullPath(stateDirectory));
        if (Directory.Exists(runs) && MountTable.Under(runs).Count == 0) Directory.Delete(runs, recursive: true);
    }

    /// <summary>Runs the command; <paramref name="onOutput"/> receives each line of combined stdout/stderr.</summary>
    public async Task<SandboxResult<BuildRunResult>> RunAsync(BuildRunRequest request, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        if (request.Id.Length is 0 or > 64 || !request.Id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            return new SandboxError(SandboxErrorCode.InvalidRequest, $"invalid build sandbox id '{request.Id}'");
        var dir = RunDirectory(request.Id);
        var bundle = Path.Combine(dir, "bundle");
        var rootfs = Path.Combine(bundle, "rootfs");
        try
        {
            Directory.CreateDirectory(_runc.StateRoot);
            var init = Path.Combine(dir, "init");
            foreach (var d in new[] { "proc", "dev", "sys", "etc" }) Directory.CreateDirectory(Path.Combine(init, d));
            foreach (var f in BuildSpecBuilder.HostFiles) File.WriteAllBytes(Path.Combine(init, f.TrimStart('/')), []);
            var work = Path.Combine(dir, "work");
            Directory.CreateDirectory(work);
            Directory.CreateDirectory(rootfs);
            var data = $"lowerdir={string.Join(':', request.Layers.Prepend(init))},upperdir={request.UpperDirectory},workdir={work}";
            if (data.Length > 4095)
                return new SandboxError(SandboxErrorCode.InvalidRequest, $"{request.Layers.Count} layers are too many for one overlay mount");
            if (Libc.mount("overlay", rootfs, "overlay", 0, data) != 0)
                return new SandboxError(SandboxErrorCode.MountFailed, $"mount overlay at {rootfs}: {Libc.LastError()}");
            await File.WriteAllBytesAsync(Path.Combine(bundle, "config.json"),
                SpecBuilder.Serialize(BuildSpecBuilder.Build(request, cgroupParent)), cancellationToken);
            return await RunRuncAsync(request.Id, bundle, onOutput, cancellationToken);
        }
        finally
        {
            await _runc.DeleteAsync(request.Id);
            RootFs.UnmountAll(dir);
            if (MountTable.Under(dir).Count == 0) Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<SandboxResult<BuildRunResult>> RunRuncAsync(string id, string bundle, Action<string>? onOutput, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(runcPath)
        {
            ArgumentList = { "--root", _runc.StateRoot, "run", "--bundle", bundle, id },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + runcPath);
        process.StandardInput.Close();
        var tail = new StringBuilder();
        void Line(string? line)
        {
            if (line is null) return;
            lock (tail)
            {
                tail.Append(line).Append('\n');
                if (tail.Length > TailBytes * 2) tail.Remove(0, tail.Length - TailBytes);
                onOutput?.Invoke(line);
            }
        }
        var outTask = Pump(process.StandardOutput, Line);
        var errTask = Pump(process.StandardError, Line);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        await Task.WhenAll(outTask, errTask);
        var text = tail.ToString();
        return new BuildRunResult(process.ExitCode, text.Length > TailBytes ? text[^TailBytes..] : text);
    }

    private static async Task Pump(StreamReader reader, Action<string?> line)
    {
        while (await reader.ReadLineAsync() is { } l) line(l);
    }
}
