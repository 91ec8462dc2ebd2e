using System.Buffers.Binary;
using Lamina.Environments.Tests.Fixtures;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>
/// The NativeAOT lamina-init needs nothing from the image: it serves invokes chrooted into a FROM-scratch
/// root (only the agent and a static runtime) and into a musl root (musl's loader and a runtime built with
/// musl-gcc, no glibc anywhere). The chroot gets the two device nodes every container runtime provides.
/// </summary>
public sealed class AnyImageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lamina-anyimage-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_published_agent_is_a_static_executable()
    {
        Assert.False(HasInterpreter(AgentBinary.Path), $"{AgentBinary.Path} has a PT_INTERP segment: it needs the image's dynamic loader");
    }

    [Theory]
    [InlineData("scratch")]
    [InlineData("musl")]
    public async Task The_agent_serves_invokes_in_a_root_without_glibc(string kind)
    {
        Assert.True(Environment.IsPrivilegedProcess, "chroot and mknod need root");
        File.Copy(AgentBinary.Path, Path.Combine(_root, "lamina-init"));
        var runtime = Tools.RepoPath("bench", "agent", "runtime.c");
        if (kind == "scratch")
        {
            Tool.Run("/usr/bin/gcc", "-O2", "-static", "-o", Path.Combine(_root, "bootstrap"), runtime);
        }
        else
        {
            Assert.True(File.Exists("/usr/bin/musl-gcc"), "musl-gcc is missing: apt-get install musl-tools (test.sh installs it)");
            Tool.Run("/usr/bin/musl-gcc", "-O2", "-o", Path.Combine(_root, "bootstrap"), runtime);
            Directory.CreateDirectory(Path.Combine(_root, "lib"));
            File.Copy(new FileInfo("/lib/ld-musl-x86_64.so.1").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/lib/ld-musl-x86_64.so.1",
                Path.Combine(_root, "lib", "ld-musl-x86_64.so.1"));
            Assert.True(HasInterpreter(Path.Combine(_root, "bootstrap")), "the musl runtime should be dynamically linked against musl");
        }
        Directory.CreateDirectory(Path.Combine(_root, "dev"));
        Tool.Run("/usr/bin/mknod", "-m", "666", Path.Combine(_root, "dev", "null"), "c", "1", "3");
        Tool.Run("/usr/bin/mknod", "-m", "666", Path.Combine(_root, "dev", "urandom"), "c", "1", "9");
        Assert.Empty(Directory.GetFiles(_root, "libc.so*", SearchOption.AllDirectories));

        await using var agent = await AgentProcess.StartAsync(["/bootstrap"], executable: ["/usr/sbin/chroot", _root, "/lamina-init"]);
        using var first = await agent.InvokeAsync("""{"image":"first"}""");
        using var second = await agent.InvokeAsync("""{"image":"second"}""");

        Assert.Equal("""{"image":"first"}""", await first.Content.ReadAsStringAsync());
        Assert.Equal("""{"image":"second"}""", await second.Content.ReadAsStringAsync());
        var id = second.Headers.GetValues("X-Amzn-RequestId").Single();
        await agent.WaitForStdoutAsync(l => l.StartsWith("REPORT RequestId: " + id, StringComparison.Ordinal));
    }

    /// <summary>True when the ELF file has a PT_INTERP program header (it needs a dynamic loader).</summary>
    private static bool HasInterpreter(string path)
    {
        var elf = File.ReadAllBytes(path);
        Assert.True(elf.AsSpan(0, 4).SequenceEqual("\x7F"u8.ToArray().Concat("ELF"u8.ToArray()).ToArray()), $"{path} is not ELF");
        var programHeaders = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x20));
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x36));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x38));
        for (var i = 0; i < count; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(programHeaders + i * entrySize)) == 3)
            {
                return true;
            }
        }
        return false;
    }
}
