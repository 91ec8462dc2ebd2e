using System.Buffers.Binary;
using System.Text;

namespace Lamina.Cli.Tests.Otlp;

/// <summary>One span as OTLP carried it (ids in lower-case hex; attributes rendered as strings).</summary>
public sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyDictionary<string, string> Resource)
{
    /// <summary>OTLP's SpanKind numbers.</summary>
    public const int Internal = 1, Server = 2, Client = 3, Consumer = 5;
}

/// <summary>
/// Decodes an OTLP ExportTraceServiceRequest (opentelemetry-proto trace/v1): the protobuf wire format read by hand,
/// only the fields the tests look at; anything else is skipped by wire type. Malformed input is a FormatException.
/// </summary>
public static class OtlpTraceDecoder
{
    public static List<OtlpSpan> Decode(byte[] request)
    {
        var spans = new List<OtlpSpan>();
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1) continue; // resource_spans
            var resource = new Dictionary<string, string>(StringComparer.Ordinal);
            var scopes = new List<byte[]>();
            foreach (var (f, value) in Fields(resourceSpans))
            {
                if (f == 1) foreach (var (rf, kv) in Fields(value)) { if (rf == 1) AddAttribute(resource, kv); } // resource.attributes
                else if (f == 2) scopes.Add(value); // scope_spans
            }
            foreach (var scope in scopes)
                foreach (var (f, span) in Fields(scope))
                    if (f == 2) spans.Add(Span(span, resource));
        }
        return spans;
    }

    private static OtlpSpan Span(byte[] span, IReadOnlyDictionary<string, string> resource)
    {
        string trace = "", id = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (f, value) in Fields(span))
        {
            switch (f)
            {
                case 1: trace = Convert.ToHexStringLower(value); break;
                case 2: id = Convert.ToHexStringLower(value); break;
                case 4: parent = Convert.ToHexStringLower(value); break;
                case 5: name = Encoding.UTF8.GetString(value); break;
                case 6: kind = (int)BinaryPrimitives.ReadInt64LittleEndian(value); break;
                case 9: AddAttribute(attributes, value); break;
            }
        }
        return new OtlpSpan(trace, id, parent, name, kind, attributes, resource);
    }

    /// <summary>KeyValue { key = 1; AnyValue value = 2 { string 1, bool 2, int 3, double 4 } }.</summary>
    private static void AddAttribute(Dictionary<string, string> into, byte[] keyValue)
    {
        string? key = null, text = null;
        foreach (var (f, value) in Fields(keyValue))
        {
            if (f == 1) key = Encoding.UTF8.GetString(value);
            else if (f == 2)
            {
                foreach (var (af, v) in Fields(value))
                {
                    text = af switch
                    {
                        1 => Encoding.UTF8.GetString(v),
                        2 => BinaryPrimitives.ReadInt64LittleEndian(v) != 0 ? "true" : "false",
                        3 => BinaryPrimitives.ReadInt64LittleEndian(v).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        4 => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(v)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => text,
                    };
                }
            }
        }
        if (key is not null) into[key] = text ?? "";
    }

    /// <summary>The message's fields in order; varints and fixed values come back as 8 little-endian bytes.</summary>
    private static IEnumerable<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var at = 0;
        while (at < message.Length)
        {
            var tag = Varint(message, ref at);
            var field = (int)(tag >> 3);
            byte[] value;
            switch (tag & 7)
            {
                case 0:
                    value = BitConverter.GetBytes(Varint(message, ref at));
                    break;
                case 1:
                    value = Take(message, ref at, 8);
                    break;
                case 2:
                    value = Take(message, ref at, checked((int)Varint(message, ref at)));
                    break;
                case 5:
                    value = [.. Take(message, ref at, 4), 0, 0, 0, 0];
                    break;
                default:
                    throw new FormatException($"wire type {tag & 7} at byte {at} is not supported");
            }
            if (field == 0) throw new FormatException("field number 0");
            yield return (field, value);
        }
    }

    private static ulong Varint(byte[] b, ref int at)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= b.Length) throw new FormatException("truncated varint");
            var x = b[at++];
            result |= (ulong)(x & 0x7F) << shift;
            if ((x & 0x80) == 0) return result;
        }
        throw new FormatException("varint longer than 10 bytes");
    }

    private static byte[] Take(byte[] b, ref int at, int length)
    {
        if (length < 0 || at + length > b.Length) throw new FormatException($"field of {length} bytes runs past the end ({b.Length - at} left)");
        var value = b.AsSpan(at, length).ToArray();
        at += length;
        return value;
    }
}
