using Lamina.Control.Domain;
using Lamina.Control.Invoke;

namespace Lamina.Control.Api;

/// <summary>
/// Published versions that became invokable (PublishVersion) or an alias's new targets (CreateAlias, UpdateAlias)
/// are told to the invoker (<see cref="IFunctionActivation"/>) after the commit, as the state worker tells it of an
/// Active $LATEST: the scheduler prewarms their pools, so a version's first invoke does not pay a sandbox's start.
/// </summary>
public sealed partial class LambdaApi
{
    /// <summary>Tells the invoker of <paramref name="version"/> (committed already); a no-op for an invoker that does not prepare.</summary>
    private void Activated(FunctionConfig version)
    {
        if (invoker is IFunctionActivation activation) activation.FunctionActivated(version);
    }

    /// <summary>Tells the invoker of the published versions <paramref name="alias"/> routes to ($LATEST is told by the state worker).</summary>
    private void Activated(string name, AliasConfig alias)
    {
        if (invoker is not IFunctionActivation) return;
        var numbers = (alias.AdditionalVersionWeights?.Keys ?? Enumerable.Empty<string>()).Prepend(alias.FunctionVersion)
            .Select(v => long.TryParse(v, out var n) ? n : 0).Where(n => n > 0).Distinct().ToList();
        if (numbers.Count == 0) return;
        foreach (var version in store.Read(s => numbers.Select(n => s.Version(name, n)).OfType<FunctionConfig>().ToList()))
            Activated(version);
    }
}
