namespace Lamina.RuntimeSupport.Tests.Fixtures;

/// <summary>Paths in the repository (found by walking up to Lamina.slnx).</summary>
internal static class Repo
{
    public static string Path(params string[] parts)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(System.IO.Path.Combine(d.FullName, "Lamina.slnx"))) d = d.Parent;
        if (d is null) throw new InvalidOperationException("Lamina.slnx not found above the test directory");
        return System.IO.Path.Combine([d.FullName, .. parts]);
    }
}
