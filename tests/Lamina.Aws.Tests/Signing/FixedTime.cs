namespace Lamina.Aws.Tests.Signing;

/// <summary>A clock standing still at <see cref="Now"/>, settable by the test.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
