using Lamina.Runtimes.Layers;

namespace Lamina.Runtimes.Layers;

/// <summary>
/// The top layer of every image: lamina-init at /opt/lamina/lamina-init, /lambda-entrypoint.sh, /var/task, and
/// the image's runtime sources under /var/runtime (bootstrap and *.sh executable, the rest read-only).
/// </summary>
public static class LaminaLayer
{
    /// <summary>Where the agent lives in the image (the sandbox bind-mounts the host's copy over it).</summary>
    public const string AgentPath = "opt/lamina/lamina-init";

    private const int Executable = 0x1ED; // 0755
    private const int ReadOnly = 0x1A4;   // 0644

    /// <summary>The entries of <paramref name="image"/>'s Lamina layer.</summary>
    public static List<LayerEntry> Entries(RuntimeImage image, string agentBinary)
    {
        var agent = new FileInfo(agentBinary);
        List<LayerEntry> entries =
        [
            LayerEntry.Dir("opt"), LayerEntry.Dir("opt/lamina"), LayerEntry.Dir("var"), LayerEntry.Dir("var/runtime"), LayerEntry.Dir("var/task"),
            new(AgentPath, LayerEntryKind.File, Executable) { SourcePath = agent.FullName, Size = agent.Length },
            LayerEntry.FromBytes("lambda-entrypoint.sh", RuntimeSources.Get("lambda-entrypoint.sh"), Executable),
        ];
        if (image.SourceFolder is null) return entries;
        var dirs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (path, content) in RuntimeSources.Folder(image.SourceFolder))
        {
            for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1)) dirs.Add(path[..slash]);
            var name = Path.GetFileName(path);
            var mode = name == "bootstrap" || name.EndsWith(".sh", StringComparison.Ordinal) ? Executable : ReadOnly;
            entries.Add(LayerEntry.FromBytes("var/runtime/" + path, content, mode));
        }
        entries.AddRange(dirs.Select(d => LayerEntry.Dir("var/runtime/" + d)));
        return entries;
    }
}
