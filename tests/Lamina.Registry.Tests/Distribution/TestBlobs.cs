namespace Lamina.Registry.Tests.Distribution;

/// <summary>Blob contents for the blob-serving tests: random but seeded, so a failing comparison reproduces.</summary>
internal static class TestBlobs
{
    /// <summary><paramref name="size"/> bytes from <see cref="Random"/> seeded with <paramref name="seed"/>.</summary>
    public static byte[] Pattern(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
