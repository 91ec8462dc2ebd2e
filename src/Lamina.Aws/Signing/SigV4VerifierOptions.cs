namespace Lamina.Aws.Signing;

/// <summary>What a service expects of the signatures it accepts.</summary>
public sealed record SigV4VerifierOptions
{
    /// <summary>The signing name in the credential scope (e.g. <c>ecr</c>, <c>lambda</c>, <c>logs</c>).</summary>
    public required string Service { get; init; }

    /// <summary>The region the credential scope must name; null accepts any region.</summary>
    public string? Region { get; init; }

    /// <summary>How far X-Amz-Date may be from the server's clock, either way. AWS allows 15 minutes.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(15);
}
