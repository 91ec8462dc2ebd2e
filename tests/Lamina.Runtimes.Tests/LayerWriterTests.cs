using System.Formats.Tar;
using System.IO.Compression;
using Lamina.Runtimes.Debian;
using Lamina.Runtimes.Layers;

namespace Lamina.Runtimes.Tests;

public sealed class LayerWriterTests : IDisposable
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1735689600);
    private readonly string dir = Directory.CreateTempSubdirectory("lamina-layer-").FullName;

    private static List<LayerEntry> Sample() =>
    [
        LayerEntry.Dir("etc"),
        LayerEntry.FromBytes("etc/a", "alpha"u8.ToArray(), 0x1A4),
        LayerEntry.FromBytes("etc/b", "alpha"u8.ToArray(), 0x1A4) with { HardLinkKey = "1:2" },
        LayerEntry.FromBytes("etc/c", "alpha"u8.ToArray(), 0x1A4) with { HardLinkKey = "1:2" },
        new("etc/link", LayerEntryKind.Symlink, 0x1FF) { LinkTarget = "a" },
        new("usr/old", LayerEntryKind.Whiteout, 0),
        LayerEntry.FromBytes("bin/suid", [1, 2, 3], 0x9ED /* 4755 */) with { Uid = 0, Gid = 42 },
    ];

    [Fact]
    public void SameEntriesInAnyOrderGiveTheSameDigests()
    {
        var a = LayerWriter.Write(Sample(), Path.Combine(dir, "a"), Epoch);
        var reversed = Sample();
        reversed.Reverse();
        var b = LayerWriter.Write(reversed, Path.Combine(dir, "b"), Epoch);
        Assert.Equal(a, b);
        var later = LayerWriter.Write(Sample(), Path.Combine(dir, "c"), Epoch.AddSeconds(1));
        Assert.NotEqual(a.Digest, later.Digest);
    }

    [Fact]
    public void TarHasSortedEntriesFixedTimesHardLinksAndWhiteouts()
    {
        var blob = LayerWriter.Write(Sample(), dir, Epoch);
        using var file = File.OpenRead(Path.Combine(dir, blob.Digest["sha256:".Length..]));
        Assert.Equal(blob.Size, file.Length);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var entries = new List<TarEntry>();
        while (tar.GetNextEntry() is { } e) entries.Add(e);
        Assert.Equal(["bin/suid", "etc/", "etc/a", "etc/b", "etc/c", "etc/link", "usr/.wh.old"], entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.Equal(Epoch, e.ModificationTime));
        Assert.Equal(TarEntryType.HardLink, entries[4].EntryType);
        Assert.Equal("etc/b", entries[4].LinkName);
        Assert.Equal(TarEntryType.RegularFile, entries[3].EntryType);
        Assert.Equal((UnixFileMode)0x9ED, entries[0].Mode);
        Assert.Equal(42, entries[0].Gid);
        Assert.Equal("a", entries[5].LinkName);
    }

    [Fact]
    public void DuplicatePathIsRejectedAndLeavesNoFile()
    {
        List<LayerEntry> entries = [LayerEntry.Dir("etc"), LayerEntry.Dir("etc")];
        Assert.Throws<ArgumentException>(() => LayerWriter.Write(entries, dir, Epoch));
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void DiffKeepsChangedAndNewPathsAndWhitesOutOnlyTheTopRemovedPath()
    {
        Dictionary<string, LayerEntry> lower = new()
        {
            ["etc"] = LayerEntry.Dir("etc"),
            ["etc/same"] = LayerEntry.FromBytes("etc/same", "x"u8.ToArray(), 0x1A4),
            ["etc/changed"] = LayerEntry.FromBytes("etc/changed", "x"u8.ToArray(), 0x1A4),
            ["etc/chmod"] = LayerEntry.FromBytes("etc/chmod", "x"u8.ToArray(), 0x1A4),
            ["gone"] = LayerEntry.Dir("gone"),
            ["gone/file"] = LayerEntry.FromBytes("gone/file", "x"u8.ToArray(), 0x1A4),
        };
        Dictionary<string, LayerEntry> upper = new()
        {
            ["etc"] = LayerEntry.Dir("etc"),
            ["etc/same"] = LayerEntry.FromBytes("etc/same", "x"u8.ToArray(), 0x1A4),
            ["etc/changed"] = LayerEntry.FromBytes("etc/changed", "y"u8.ToArray(), 0x1A4),
            ["etc/chmod"] = LayerEntry.FromBytes("etc/chmod", "x"u8.ToArray(), 0x1ED),
            ["etc/new"] = LayerEntry.FromBytes("etc/new", "n"u8.ToArray(), 0x1A4),
        };
        var diff = TreeDiff.Compute(lower, upper).OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(["etc/changed", "etc/chmod", "etc/new", "gone"], diff.Select(e => e.Path));
        Assert.Equal(LayerEntryKind.Whiteout, diff[3].Kind);
    }

    [Theory]
    [InlineData("18.20.4+dfsg-1~deb12u3", "18")]
    [InlineData("1:2.3-4", "2")]
    [InlineData("3.11.2-1+b1", "3")]
    public void MajorVersionOfDebianVersions(string version, string major) => Assert.Equal(major, DpkgStatus.Major(version));

    [Fact]
    public void VersionWithoutDigitsIsABuildError() => Assert.Throws<RuntimeBuildException>(() => DpkgStatus.Major("abc"));

    [Fact]
    public async Task MissingAgentIsABuildErrorBeforeAnyWork()
    {
        var e = await Assert.ThrowsAsync<RuntimeBuildException>(() => RuntimeBuilder.BuildAsync(new RuntimeBuildOptions
        {
            OutputDirectory = Path.Combine(dir, "out"), AgentBinary = Path.Combine(dir, "no-agent"), CacheDirectory = Path.Combine(dir, "cache"),
        }));
        Assert.Contains("does not exist", e.Message);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
