namespace CSharpHello;

/// <summary>The event: who to greet, and two knobs the tests turn (a pause, a failure).</summary>
/// <param name="Name">Who to greet; empty or missing makes the handler throw <see cref="ArgumentException"/>.</param>
/// <param name="SleepMs">How long to wait before answering (to run into the function timeout).</param>
public sealed record HelloRequest(string? Name, int SleepMs = 0);
