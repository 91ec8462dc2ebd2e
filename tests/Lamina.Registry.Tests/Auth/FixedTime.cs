namespace Lamina.Registry.Tests.Auth;

/// <summary>A clock standing still at <see cref="Now"/>, moved by the test.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
