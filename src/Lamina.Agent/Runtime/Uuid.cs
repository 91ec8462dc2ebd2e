namespace Lamina.Agent.Runtime;

/// <summary>
/// Random (version 4) UUIDs for request and invocation ids from <see cref="Random.Shared"/>: ids must be
/// unique, not secret, and Guid.NewGuid costs a read of /dev/urandom per id on the warm path (and a
/// FROM-scratch chroot may have no /dev/urandom). Random.Shared is seeded from the OS once per process.
/// </summary>
internal static class Uuid
{
    public static string NewString()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's byte order: the high byte of the third group)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes).ToString();
    }
}
