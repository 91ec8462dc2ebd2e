namespace Lamina.Sandbox.Tests.Fixtures;

/// <summary>A test class whose every test gets its own <see cref="UnifiedCgroupParent"/>, removed after the test.</summary>
public abstract class UnifiedCgroupTest : IDisposable
{
    protected UnifiedCgroupParent Cg { get; } = new();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing) Cg.Dispose();
    }
}
