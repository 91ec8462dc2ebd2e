using Lamina.Aws;
using Lamina.Control.Domain;
using Lamina.Control.Invoke;
using Lamina.Control.States;
using Lamina.Control.Storage;

namespace Lamina.Control.Api;

/// <summary>
/// The Lambda operations, one partial per resource (functions, versions, aliases, concurrency, URLs, event
/// invoke configs, tags, invoke). Each handler parses its input into domain values, runs one store
/// transaction, and returns a value or a <see cref="LambdaError"/>; nothing here writes HTTP.
/// </summary>
public sealed partial class LambdaApi(
    ControlStore store,
    Credentials account,
    TimeProvider time,
    StateWorker states,
    IFunctionInvoker invoker,
    AsyncInvokeQueue events)
{
    public const int SyncPayloadLimit = 6 * 1024 * 1024;
    public const int AsyncPayloadLimit = 1024 * 1024;
    public const int AccountConcurrencyLimit = 1000;
    public const int MinimumUnreservedConcurrency = 100;

    private string Arn(string name, string? qualifier = null) => FunctionIdentifier.Arn(account, name, qualifier);

    private Result<FunctionIdentifier> Identify(LambdaCall call, bool allowQualifier = true)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), allowQualifier ? call.Query("Qualifier") : null, account);
        return id;
    }

    /// <summary>The function's stored record, or ResourceNotFoundException naming its ARN.</summary>
    private static Result<FunctionRecord> Find(ControlSession s, string name, string arn) =>
        s.Function(name) is { } f ? f : LambdaError.FunctionNotFound(arn);

    /// <summary>
    /// The configuration a qualifier names: null/$LATEST, a version number, or an alias (its primary version).
    /// </summary>
    private Result<FunctionConfig> ResolveQualifier(ControlSession s, FunctionRecord f, string? qualifier)
    {
        var name = f.Latest.FunctionName;
        if (qualifier is null or FunctionConfig.Latest) return f.Latest;
        if (long.TryParse(qualifier, out var number))
            return s.Version(name, number) is { } v ? v : LambdaError.FunctionNotFound(Arn(name, qualifier));
        if (s.Alias(name, qualifier) is not { } alias) return LambdaError.FunctionNotFound(Arn(name, qualifier));
        return ResolveQualifier(s, f, alias.FunctionVersion);
    }

    private static ApiResponse From<T>(Result<T> result, Func<T, ApiResponse> ok) => result.Error ?? ok(result.Value!);

    /// <summary>Lambda's paging: Marker is the last item's key; MaxItems 1–10000 (default 50).</summary>
    private static Result<(string? Marker, int Max)> Paging(LambdaCall call)
    {
        var raw = call.Query("MaxItems");
        var max = 50;
        if (raw is not null && (!int.TryParse(raw, out max) || max is < 1 or > 10000))
            return LambdaError.Validation(raw, "maxItems", "Member must have value between 1 and 10000");
        return (string.IsNullOrEmpty(call.Query("Marker")) ? null : call.Query("Marker"), max);
    }
}
