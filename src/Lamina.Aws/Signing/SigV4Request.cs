namespace Lamina.Aws.Signing;

/// <summary>
/// A request as the verifier needs it, independent of the HTTP stack: the raw target as it arrived on
/// the wire (path and query still percent-encoded), the headers, and the hex SHA-256 of the body
/// actually received (the verifier never trusts a client-declared hash without comparing).
/// </summary>
public sealed class SigV4Request
{
    public required string Method { get; init; }

    /// <summary>The path exactly as sent, percent-encoding untouched.</summary>
    public required string RawPath { get; init; }

    /// <summary>The query exactly as sent, with or without the leading '?'; empty when none.</summary>
    public required string RawQuery { get; init; }

    /// <summary>Every value of a header by lower-case name; empty when absent.</summary>
    public required Func<string, IReadOnlyList<string>> GetHeaderValues { get; init; }

    /// <summary>Lower-case hex SHA-256 of the received body (<see cref="SigV4Signer.EmptyPayloadHash"/> for none).</summary>
    public required string PayloadHash { get; init; }

    public string? GetHeader(string lowerCaseName)
    {
        var values = GetHeaderValues(lowerCaseName);
        return values.Count == 0 ? null : string.Join(',', values);
    }
}
