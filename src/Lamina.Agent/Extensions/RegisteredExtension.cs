namespace Lamina.Agent.Extensions;

/// <summary>One extension that called /extension/register: its subscriptions and its event queue.
/// Guarded by the <see cref="ExtensionRegistry"/> lock.</summary>
internal sealed class RegisteredExtension(string id, string name, bool invoke, bool shutdown)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public bool WantsInvoke { get; } = invoke;

    public bool WantsShutdown { get; } = shutdown;

    /// <summary>Events published while the extension was busy, oldest first.</summary>
    public Queue<byte[]> Pending { get; } = new();

    /// <summary>The outstanding /event/next, when the extension is waiting.</summary>
    public TaskCompletionSource<byte[]>? Waiting { get; set; }
}
