using Lamina.Fuzz.Targets;

namespace Lamina.Fuzz;

/// <summary>Every target by name, in the order the issue ranks them by hostility; the last checks the pipeline itself.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new AgentHttpTarget(),
        new TarLayerTarget(),
        new ManifestTarget(),
        new ReferenceTarget(),
        new DockerfileTarget(),
        new SigV4Target(),
        new SelfTestTarget(),
    ];

    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
