using Lamina.EndToEnd.Tests.Infrastructure;

namespace Lamina.EndToEnd.Tests.Images;

/// <summary>Builds images with the real umoci: init, new, one insert per layer.</summary>
public static class Umoci
{
    /// <summary>
    /// Creates <c>LAYOUT:TAG</c> with one layer per entry of <paramref name="layers"/> (file name → content)
    /// and returns the manifest digest umoci recorded in index.json.
    /// </summary>
    public static async Task<string> BuildAsync(string layout, string tag, string scratch, IReadOnlyList<(string Target, byte[] Content)> layers)
    {
        (await ToolRunner.RunAsync("umoci", ["init", "--layout", layout])).EnsureSuccess();
        (await ToolRunner.RunAsync("umoci", ["new", "--image", $"{layout}:{tag}"])).EnsureSuccess();
        Directory.CreateDirectory(scratch);
        var n = 0;
        foreach (var (target, content) in layers)
        {
            var source = Path.Combine(scratch, $"layer{n++}");
            await File.WriteAllBytesAsync(source, content);
            (await ToolRunner.RunAsync("umoci", ["insert", "--image", $"{layout}:{tag}", source, target])).EnsureSuccess();
        }
        return LayoutReader.TagDigest(layout, tag);
    }
}
