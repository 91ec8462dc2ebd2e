namespace Lamina.Images;

/// <summary>
/// An IProgress that calls its action inline. Progress&lt;T&gt; posts to the thread pool, so its reports could
/// arrive after the pull has returned and out of order; ours never do.
/// </summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
