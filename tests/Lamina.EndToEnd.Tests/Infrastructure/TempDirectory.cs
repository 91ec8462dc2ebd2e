namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>A fresh directory under /tmp, deleted (best effort) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "lamina-e2e-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left behind in /tmp; never worth failing a test over.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
