using Lamina.Oci;
using Lamina.Registry.Storage;

namespace Lamina.Registry.Tests.Storage;

public class MetadataTests
{
    private static readonly Digest A = Digest.Compute("a"u8);
    private static readonly Digest B = Digest.Compute("b"u8);

    private static ManifestRecord Manifest(Digest digest, Digest? subject = null, params Descriptor[] refs) =>
        new(digest, MediaTypes.OciManifest, 100, "application/x-test", subject, new Dictionary<string, string> { ["k"] = "v" }, DateTimeOffset.UtcNow, refs);

    [Fact]
    public async Task Repositories_are_created_once_listed_in_order_and_deleted_only_when_empty_unless_forced()
    {
        using var f = new StorageFixture();
        Assert.NotNull(await f.Metadata.CreateRepositoryAsync("b/x", TagMutability.Immutable));
        Assert.Null(await f.Metadata.CreateRepositoryAsync("b/x", TagMutability.Mutable));
        await f.Metadata.EnsureRepositoryAsync("a");
        Assert.Equal(["a", "b/x"], (await f.Metadata.ListRepositoriesAsync(null, 10)).Select(r => r.Name));
        Assert.Equal(["b/x"], (await f.Metadata.ListRepositoriesAsync("a", 10)).Select(r => r.Name));
        Assert.Equal(TagMutability.Immutable, (await f.Metadata.GetRepositoryAsync("b/x"))!.TagMutability);

        await f.Metadata.LinkBlobAsync("a", A, 1);
        Assert.Equal(PutManifestStatus.Stored, (await f.Metadata.PutManifestAsync("a", Manifest(B, null, new Descriptor("x", A, 1)), "v1")).Status);
        Assert.Equal(DeleteRepositoryResult.NotEmpty, await f.Metadata.DeleteRepositoryAsync("a", force: false));
        Assert.Equal(DeleteRepositoryResult.Deleted, await f.Metadata.DeleteRepositoryAsync("a", force: true));
        Assert.Equal(DeleteRepositoryResult.NotFound, await f.Metadata.DeleteRepositoryAsync("a", force: true));
        Assert.Null(await f.Metadata.GetLinkedBlobSizeAsync("a", A));
    }

    [Fact]
    public async Task Manifests_round_trip_with_tags_references_and_referrers_and_survive_reopen()
    {
        using var f = new StorageFixture();
        await f.Metadata.LinkBlobAsync("r", A, 1);
        var missing = await f.Metadata.PutManifestAsync("r", Manifest(B, null, new Descriptor("x", Digest.Compute("zz"u8), 2)), "t");
        Assert.Equal(PutManifestStatus.ReferenceMissing, missing.Status);
        Assert.Equal(Digest.Compute("zz"u8), missing.MissingReference);

        var refs = new Descriptor("application/x", A, 1, null, new Platform("amd64", "linux"), new Dictionary<string, string> { ["a"] = "b" });
        Assert.Equal(PutManifestStatus.Stored, (await f.Metadata.PutManifestAsync("r", Manifest(B, A, refs), "t")).Status);
        f.Reopen();
        var m = await f.Metadata.GetManifestByTagAsync("r", "t");
        Assert.NotNull(m);
        Assert.Equal(B, m.Digest);
        Assert.Equal(A, m.Subject);
        Assert.Equal("v", m.Annotations!["k"]);
        Assert.Equal("amd64", m.References.Single().Platform!.Architecture);
        Assert.Equal(B, (await f.Metadata.ListReferrersAsync("r", A)).Single().Digest);
        Assert.Equal(["t"], await f.Metadata.ListTagsAsync("r", null, 10));
        Assert.Null(await f.Metadata.ListTagsAsync("nope", null, 10));
        var image = (await f.Metadata.ListImagesAsync("r")).Single();
        Assert.Equal(["t"], image.Tags);
        Assert.Equal(1, image.ImageSizeInBytes);

        Assert.True(await f.Metadata.DeleteManifestAsync("r", B));
        Assert.Null(await f.Metadata.GetManifestByTagAsync("r", "t"));
        Assert.Empty((await f.Metadata.ListTagsAsync("r", null, 10))!);
    }

    [Fact]
    public async Task Immutable_tags_refuse_a_different_manifest_but_accept_the_same_one()
    {
        using var f = new StorageFixture();
        await f.Metadata.CreateRepositoryAsync("r", TagMutability.Immutable);
        Assert.Equal(PutManifestStatus.Stored, (await f.Metadata.PutManifestAsync("r", Manifest(A), "v1")).Status);
        Assert.Equal(PutManifestStatus.Stored, (await f.Metadata.PutManifestAsync("r", Manifest(A), "v1")).Status);
        Assert.Equal(PutManifestStatus.TagImmutable, (await f.Metadata.PutManifestAsync("r", Manifest(B), "v1")).Status);
        Assert.Equal(A, (await f.Metadata.GetManifestByTagAsync("r", "v1"))!.Digest);
    }

    [Fact]
    public async Task Schema_version_is_recorded_and_connections_are_wal_with_synchronous_full()
    {
        using var f = new StorageFixture();
        f.Reopen();
        using var c = f.Database.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA user_version; ";
        Assert.Equal(2L, (long)cmd.ExecuteScalar()!); // migration 2: tags_digest
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string)cmd.ExecuteScalar()!);
        cmd.CommandText = "PRAGMA synchronous;";
        Assert.Equal(2L, (long)cmd.ExecuteScalar()!); // FULL: a commit is on disk before it returns
    }
}
