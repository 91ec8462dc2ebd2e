using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Lamina.Sandbox.Host;
using Lamina.Sandbox.Runc;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>
/// runc runs from one sealed in-memory copy (Execution:SealedRuntimeCopy): runc init of a created sandbox is that
/// copy, not a per-start copy of its own; the copy cannot be changed; the switch and a failed copy use the file.
/// </summary>
public sealed class SealedRuntimeCopyTests
{
    private const string SealedExe = "/memfd:" + RuntimeExecutable.MemfdName + " (deleted)";

    [Fact]
    public async Task Runc_init_of_a_created_sandbox_runs_from_the_one_sealed_copy()
    {
        await using var h = new SandboxHarness();
        var executable = h.Manager.RuntimeExecutable;
        Assert.True(executable.Sealed, executable.Description);
        Assert.StartsWith($"/proc/{Environment.ProcessId}/fd/", executable.Path);
        Assert.Contains("runc version", h.Manager.RuntimeDescription);

        var created = await h.Manager.CreateAsync(SandboxHarness.Request("/bin/true"));
        Assert.True(created.Ok, created.Error?.ToString());
        try
        {
            // Until start, the container's process is runc init: had it re-executed from a copy of its own, its exe
            // would be runc's memfd ("runc_cloned:…") or a hidden bind mount, not ours.
            var exe = $"/proc/{created.Value.Pid}/exe";
            Assert.Equal(SealedExe, new FileInfo(exe).LinkTarget);
            Assert.Equal(RuntimeExecutable.RuncSeals, Seals(exe));
            // The same copy serves every sandbox and every manager of the process: none is made per start.
            Assert.Same(executable, new SandboxManager(h.Options).RuntimeExecutable);
        }
        finally { await h.Manager.DestroyAsync(created.Value); }
    }

    [Fact]
    public void The_copy_holds_runcs_bytes_and_can_be_neither_written_nor_resized()
    {
        var executable = RuntimeExecutable.For(OciRuntime.Runc, OciRuntimes.DefaultRuncPath, sealedCopy: true);
        Assert.True(executable.Sealed, executable.Description);
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(OciRuntimes.DefaultRuncPath)), SHA256.HashData(File.ReadAllBytes(executable.Path)));
        Assert.Equal(RuntimeExecutable.RuncSeals, Seals(executable.Path));

        // Root on the host cannot change such a copy either: the seals hold for every opener, and F_SEAL_SEAL keeps
        // them. (A fresh copy made the same way: while runc runs from the shared one, as other tests make it do, a
        // writable open of it fails already, with ETXTBSY.)
        using var copy = RuntimeExecutable.CopyIntoSealedMemfd(OciRuntimes.DefaultRuncPath, out _);
        var path = $"/proc/self/fd/{copy.DangerousGetHandle()}";
        Assert.Equal(RuntimeExecutable.RuncSeals, Seals(path));
        using var writable = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        Assert.ThrowsAny<UnauthorizedAccessException>(() => RandomAccess.Write(writable, "\x7f"u8, 0));
        Assert.ThrowsAny<UnauthorizedAccessException>(() => RandomAccess.SetLength(writable, 1));
        Assert.ThrowsAny<UnauthorizedAccessException>(() => RandomAccess.SetLength(writable, RandomAccess.GetLength(writable) + 4096));
        Assert.Equal(-1, Libc.fcntl((int)writable.DangerousGetHandle(), Libc.FAddSeals, 0x10 /* F_SEAL_FUTURE_WRITE */));
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(OciRuntimes.DefaultRuncPath)), SHA256.HashData(File.ReadAllBytes(path)));
    }

    [Fact]
    public async Task With_the_switch_off_runc_runs_from_its_file_and_init_copies_itself()
    {
        await using var h = new SandboxHarness();
        var manager = new SandboxManager(h.Options with { SealedRuntimeCopy = false });
        Assert.False(manager.RuntimeExecutable.Sealed);
        Assert.False(manager.RuntimeCopyFailed);
        Assert.Equal(OciRuntimes.DefaultRuncPath, manager.RuntimeExecutable.Path);

        var created = await manager.CreateAsync(SandboxHarness.Request("/bin/true"));
        Assert.True(created.Ok, created.Error?.ToString());
        try
        {
            var target = new FileInfo($"/proc/{created.Value.Pid}/exe").LinkTarget;
            Assert.NotEqual(SealedExe, target);
            Assert.NotEqual(OciRuntimes.DefaultRuncPath, target); // runc's own defence: init re-executed from a copy
        }
        finally { await manager.DestroyAsync(created.Value); }
    }

    [Theory]
    [InlineData("/nonexistent/runc")]
    [InlineData("/bin/true")] // runs, but is not runc: its --version says so
    public void A_copy_that_cannot_be_made_or_verified_falls_back_to_the_file(string path)
    {
        var executable = RuntimeExecutable.For(OciRuntime.Runc, path, sealedCopy: true);
        Assert.False(executable.Sealed);
        Assert.True(executable.CopyFailed);
        Assert.Equal(path, executable.Path);
        Assert.Contains("sealed in-memory copy failed", executable.Description);
    }

    [Fact]
    public void Crun_runs_from_its_file()
    {
        var executable = RuntimeExecutable.For(OciRuntime.Crun, OciRuntimes.DefaultCrunPath, sealedCopy: true);
        Assert.False(executable.Sealed);
        Assert.False(executable.CopyFailed);
        Assert.Equal(OciRuntimes.DefaultCrunPath, executable.Path);
    }

    private static int Seals(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var seals = Libc.fcntl((int)handle.DangerousGetHandle(), Libc.FGetSeals, 0);
        Assert.True(seals >= 0, "F_GET_SEALS: " + Marshal.GetLastPInvokeErrorMessage());
        return seals;
    }
}
