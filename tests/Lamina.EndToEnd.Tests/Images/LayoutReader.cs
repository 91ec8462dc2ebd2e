using System.Text.Json;

namespace Lamina.EndToEnd.Tests.Images;

/// <summary>Reads back an OCI layout a tool wrote (skopeo's oci: destination, umoci).</summary>
public static class LayoutReader
{
    /// <summary>The digest index.json gives for <paramref name="tag"/>.</summary>
    public static string TagDigest(string layoutDirectory, string tag)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layoutDirectory, "index.json")));
        foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            if (entry.TryGetProperty("annotations", out var a)
                && a.TryGetProperty("org.opencontainers.image.ref.name", out var name)
                && name.GetString() == tag)
            {
                return entry.GetProperty("digest").GetString()!;
            }
        }
        throw new InvalidOperationException($"tag {tag} not in {layoutDirectory}/index.json");
    }

    public static byte[] ReadBlob(string layoutDirectory, string digest) =>
        File.ReadAllBytes(Path.Combine(layoutDirectory, "blobs", "sha256", digest["sha256:".Length..]));

    /// <summary>The digests an image manifest references (config, then layers).</summary>
    public static IReadOnlyList<string> ReferencedDigests(byte[] manifest)
    {
        using var json = JsonDocument.Parse(manifest);
        var root = json.RootElement;
        var digests = new List<string>();
        if (root.TryGetProperty("config", out var config)) digests.Add(config.GetProperty("digest").GetString()!);
        foreach (var name in new[] { "layers", "manifests" })
        {
            if (root.TryGetProperty(name, out var list))
            {
                digests.AddRange(list.EnumerateArray().Select(d => d.GetProperty("digest").GetString()!));
            }
        }
        return digests;
    }

    /// <summary>
    /// Asserts the layout holds <paramref name="digest"/> and, recursively, everything it references,
    /// each file hashing to its name: a pull that lost or altered a byte fails here.
    /// </summary>
    public static int VerifyClosure(string layoutDirectory, string digest)
    {
        var bytes = ReadBlob(layoutDirectory, digest);
        Assert.Equal(digest, Blob.Sha256(bytes));
        var count = 1;
        if (bytes.Length > 0 && bytes[0] == (byte)'{' && IsManifestLike(bytes))
        {
            foreach (var child in ReferencedDigests(bytes))
            {
                count += VerifyClosure(layoutDirectory, child);
            }
        }
        return count;
    }

    private static bool IsManifestLike(byte[] bytes)
    {
        try
        {
            using var json = JsonDocument.Parse(bytes);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("schemaVersion", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
