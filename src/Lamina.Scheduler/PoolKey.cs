using Lamina.Control.Domain;

namespace Lamina.Scheduler;

/// <summary>
/// What an environment was started from: function, version, image digest and configuration revision.
/// An invoke only lands on an environment with an equal key, so once an update reports Successful no
/// invoke runs the old image or configuration.
/// </summary>
internal readonly record struct PoolKey(string FunctionName, string Version, string ImageDigest, string RevisionId)
{
    public static PoolKey Of(FunctionConfig config) =>
        new(config.FunctionName, config.Version, config.ImageDigest ?? "", config.RevisionId);

    /// <summary>The (function, version) slot this key is the current generation of.</summary>
    public (string, string) Slot => (FunctionName, Version);
}
