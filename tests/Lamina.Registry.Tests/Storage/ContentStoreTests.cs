using Lamina.Oci;
using Lamina.Registry.Storage;
using Lamina.Registry.Tests.Distribution;

namespace Lamina.Registry.Tests.Storage;

public class ContentStoreTests
{
    [Fact]
    public async Task A_manifest_put_with_tag_and_expected_digest_checks_both()
    {
        using var f = new StorageFixture();
        var config = Digest.Compute("{}"u8);
        var layer = Digest.Compute("l"u8);
        await f.Uploads.PutMonolithicAsync("r", config, new MemoryStream("{}"u8.ToArray()), 2);
        await f.Uploads.PutMonolithicAsync("r", layer, new MemoryStream("l"u8.ToArray()), 1);
        var bytes = RegistryServer.ImageManifestJson(config, 2, layer, 1);

        var wrong = await f.Content.PutManifestAsync("r", bytes, null, "v1", Digest.Compute("x"u8));
        Assert.Equal(ManifestPutStatus.DigestMismatch, wrong.Status);
        var badTag = await f.Content.PutManifestAsync("r", bytes, null, "bad tag", null);
        Assert.Equal(ManifestPutStatus.InvalidReference, badTag.Status);
        Assert.Null(await f.Metadata.GetManifestByTagAsync("r", "v1"));

        var stored = await f.Content.PutManifestAsync("r", bytes, null, "v1", Digest.Compute(bytes));
        Assert.Equal(ManifestPutStatus.Stored, stored.Status);
        Assert.Equal(Digest.Compute(bytes), (await f.Metadata.GetManifestByTagAsync("r", "v1"))!.Digest);
        Assert.Equal(bytes, File.ReadAllBytes(f.Blobs.GetPath(Digest.Compute(bytes))!)); // stored byte for byte
    }

    [Fact]
    public async Task Mount_and_link_existing_only_succeed_for_stored_blobs()
    {
        using var f = new StorageFixture();
        var digest = Digest.Compute("shared"u8);
        Assert.Null(await f.Content.MountAsync("b", "a", digest));
        Assert.Null(await f.Content.LinkExistingAsync("b", digest));
        await f.Uploads.PutMonolithicAsync("a", digest, new MemoryStream("shared"u8.ToArray()), 6);
        Assert.Null(await f.Content.MountAsync("b", "elsewhere", digest));
        Assert.Equal(6, await f.Content.MountAsync("b", "a", digest));
        Assert.Equal(6, await f.Content.LinkExistingAsync("c", digest));
        Assert.Equal(6, await f.Metadata.GetLinkedBlobSizeAsync("c", digest));
    }
}
