using System.Buffers.Binary;
using System.Text;

namespace Lamina.Control.Api;

/// <summary>
/// AWS's event stream framing (<c>application/vnd.amazon.eventstream</c>), as InvokeWithResponseStream answers:
/// <code>
/// total length (4) · headers length (4) · CRC-32 of the first 8 bytes (4) · headers · payload · CRC-32 of all before (4)
/// header = name length (1) · name (UTF-8) · type 7 = string (1) · value length (2) · value (UTF-8)
/// </code>
/// All integers big-endian; the CRC is CRC-32 (IEEE 802.3, the zlib one).
/// </summary>
public static class EventStreamMessage
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>One event message: <c>:event-type</c>, <c>:content-type</c> and <c>:message-type: event</c>.</summary>
    public static byte[] Event(string eventType, string contentType, ReadOnlySpan<byte> payload) =>
        Encode([(":event-type", eventType), (":content-type", contentType), (":message-type", "event")], payload);

    /// <summary>Encodes one message with string headers.</summary>
    public static byte[] Encode(IReadOnlyList<(string Name, string Value)> headers, ReadOnlySpan<byte> payload)
    {
        var headerBytes = new List<byte>();
        foreach (var (name, value) in headers)
        {
            var n = Encoding.UTF8.GetBytes(name);
            var v = Encoding.UTF8.GetBytes(value);
            headerBytes.Add((byte)n.Length);
            headerBytes.AddRange(n);
            headerBytes.Add(7);
            headerBytes.Add((byte)(v.Length >> 8));
            headerBytes.Add((byte)v.Length);
            headerBytes.AddRange(v);
        }
        var total = 12 + headerBytes.Count + payload.Length + 4;
        var message = new byte[total];
        BinaryPrimitives.WriteInt32BigEndian(message, total);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4), headerBytes.Count);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32(message.AsSpan(0, 8)));
        headerBytes.CopyTo(message, 12);
        payload.CopyTo(message.AsSpan(12 + headerBytes.Count));
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32(message.AsSpan(0, total - 4)));
        return message;
    }

    /// <summary>CRC-32 (polynomial 0xEDB88320, reflected, initial and final XOR 0xFFFFFFFF).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
