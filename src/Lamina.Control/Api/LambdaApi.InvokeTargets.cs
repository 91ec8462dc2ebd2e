using Lamina.Control.Domain;
using Lamina.Control.Invoke;
using Lamina.Control.Storage;

namespace Lamina.Control.Api;

public sealed partial class LambdaApi
{
    /// <summary>
    /// What an invoke of <paramref name="name"/>:<paramref name="qualifier"/> may run, read in one control.db snapshot:
    /// the alias (when the qualifier is one) and the resolved configuration of every version it routes to, so that the
    /// weighted pick stays per invoke while the read is shared. Served from memory until the next control.db write
    /// (<see cref="ControlStore.ReadCached{T}"/>): UpdateFunctionCode, alias and concurrency changes are seen by the next invoke.
    /// </summary>
    private InvokeTargets ReadInvokeTargets(string name, string? qualifier) =>
        store.ReadCached(new InvokeTargetsKey(name, qualifier), s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            if (!f.IsOk) return new InvokeTargets(f.Error, null, new Dictionary<string, Result<FunctionConfig>>(), new ConcurrencyReservation(null));
            var alias = s.Alias(name, qualifier ?? "");
            var versions = new List<string?> { alias?.FunctionVersion ?? qualifier };
            if (alias?.AdditionalVersionWeights is { } weights) versions.AddRange(weights.Keys);
            var byVersion = new Dictionary<string, Result<FunctionConfig>>(StringComparer.Ordinal);
            foreach (var v in versions) byVersion[v ?? FunctionConfig.Latest] = ResolveQualifier(s, f.Value!, alias is null ? qualifier : v);
            return new InvokeTargets(null, alias, byVersion, new ConcurrencyReservation(f.Value!.ReservedConcurrency));
        });

    private sealed record InvokeTargetsKey(string Name, string? Qualifier);

    /// <summary>The function's error (not found), or its alias, the configuration per routed version and its reserved concurrency.</summary>
    private sealed record InvokeTargets(LambdaError? Error, AliasConfig? Alias,
        IReadOnlyDictionary<string, Result<FunctionConfig>> ByVersion, ConcurrencyReservation Reserved);
}
