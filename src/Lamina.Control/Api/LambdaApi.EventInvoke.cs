using System.Text.Json.Nodes;
using Lamina.Control.Async;
using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>
/// Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s): settings for asynchronous invocation, acted on by
/// <see cref="AsyncInvokeWorker"/> (which reads them through the internal lookups at the end of this file).
/// </summary>
public sealed partial class LambdaApi
{
    public Task<ApiResponse> PutFunctionEventInvokeConfigAsync(LambdaCall call) => WriteEventInvokeAsync(call, replace: true);

    public Task<ApiResponse> UpdateFunctionEventInvokeConfigAsync(LambdaCall call) => WriteEventInvokeAsync(call, replace: false);

    private async Task<ApiResponse> WriteEventInvokeAsync(LambdaCall call, bool replace)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var id = Identify(call);
        if (id.Error is { } e) return e;
        var (name, qualifier) = (id.Value!.Name, id.Value.Qualifier);
        var retries = input.Int("MaximumRetryAttempts");
        var age = input.Int("MaximumEventAgeInSeconds");
        var destinationInput = input.Object("DestinationConfig");
        var destinations = destinationInput?.Json.ToJsonString();
        if (input.Error is { } typeError) return typeError;
        if (ValidateDestinations(destinationInput) is { } destinationError) return destinationError;
        if (retries is < 0 or > 2) return LambdaError.Validation($"{retries}", "maximumRetryAttempts", "Member must have value between 0 and 2");
        if (age is < 60 or > 21600) return LambdaError.Validation($"{age}", "maximumEventAgeInSeconds", "Member must have value between 60 and 21600");
        var now = time.GetUtcNow();
        var result = await store.WriteAsync<EventInvokeConfig>(s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            if (!f.IsOk) return f.Error!;
            var target = ResolveQualifier(s, f.Value!, qualifier);
            if (!target.IsOk) return target.Error!;
            var key = qualifier is FunctionConfig.Latest ? null : qualifier;
            var current = s.EventInvoke(name, key);
            if (!replace && current is null)
                return LambdaError.NotFound($"The function {Arn(name, qualifier ?? FunctionConfig.Latest)} doesn't have an EventInvokeConfig");
            var updated = replace || current is null
                ? new EventInvokeConfig(key, retries, age, destinations, now)
                : current with
                {
                    MaximumRetryAttempts = retries ?? current.MaximumRetryAttempts,
                    MaximumEventAgeInSeconds = age ?? current.MaximumEventAgeInSeconds,
                    DestinationConfigJson = destinations ?? current.DestinationConfigJson,
                    LastModified = now,
                };
            s.PutEventInvoke(name, updated);
            return updated;
        }, call.Context.RequestAborted);
        return From(result, c => ApiResponse.Ok(WireJson.EventInvoke(c, name, account)));
    }

    public ApiResponse GetFunctionEventInvokeConfig(LambdaCall call)
    {
        var id = Identify(call);
        if (id.Error is { } e) return e;
        var (name, qualifier) = (id.Value!.Name, id.Value.Qualifier is FunctionConfig.Latest ? null : id.Value.Qualifier);
        return From(store.Read<Result<EventInvokeConfig>>(s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            if (!f.IsOk) return f.Error!;
            return s.EventInvoke(name, qualifier) is { } c
                ? c
                : LambdaError.NotFound($"The function {Arn(name, qualifier ?? FunctionConfig.Latest)} doesn't have an EventInvokeConfig");
        }), c => ApiResponse.Ok(WireJson.EventInvoke(c, name, account)));
    }

    public async Task<ApiResponse> DeleteFunctionEventInvokeConfigAsync(LambdaCall call)
    {
        var id = Identify(call);
        if (id.Error is { } e) return e;
        var (name, qualifier) = (id.Value!.Name, id.Value.Qualifier is FunctionConfig.Latest ? null : id.Value.Qualifier);
        var result = await store.WriteAsync<bool>(s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            if (!f.IsOk) return f.Error!;
            return s.DeleteEventInvoke(name, qualifier)
                ? true
                : LambdaError.NotFound($"The function {Arn(name, qualifier ?? FunctionConfig.Latest)} doesn't have an EventInvokeConfig");
        }, call.Context.RequestAborted);
        return From(result, _ => ApiResponse.NoContent());
    }

    public ApiResponse ListFunctionEventInvokeConfigs(LambdaCall call)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var name = id.Value!.Name;
        return From(store.Read<Result<List<EventInvokeConfig>>>(s =>
        {
            var f = Find(s, name, Arn(name));
            return f.IsOk ? s.EventInvokes(name) : f.Error!;
        }), list => ApiResponse.Ok(new JsonObject
        {
            ["FunctionEventInvokeConfigs"] = new JsonArray(list.Select(c => (JsonNode)WireJson.EventInvoke(c, name, account)).ToArray()),
        }));
    }

    /// <summary>
    /// Destinations must be Lambda function ARNs of this account and region (Lamina has no SQS, SNS or
    /// EventBridge to deliver to); an empty object or empty Destination clears one.
    /// </summary>
    private LambdaError? ValidateDestinations(JsonInput? config)
    {
        if (config is null) return null;
        foreach (var member in new[] { "OnSuccess", "OnFailure" })
        {
            var arn = config.Object(member)?.String("Destination");
            if (config.Error is { } typeError) return typeError;
            if (string.IsNullOrEmpty(arn)) continue;
            if (!arn.StartsWith("arn:", StringComparison.Ordinal) || !arn.Contains(":lambda:", StringComparison.Ordinal))
                return LambdaError.InvalidParameter($"The destination ARN {arn} is invalid: Lamina delivers to Lambda function ARNs only.");
            var id = FunctionIdentifier.Parse(arn, null, account, "destination");
            if (id.Error is { } e) return e.Type == LambdaErrorType.ResourceNotFound
                ? LambdaError.InvalidParameter($"The destination ARN {arn} is not a function of this account and region.")
                : e;
        }
        return null;
    }

    /// <summary>Whether the function still exists (events of a deleted function are dropped).</summary>
    internal bool FunctionExists(string name) => store.Read(s => s.Function(name) is not null);

    /// <summary>The event invoke config that applies to an invocation made with <paramref name="qualifier"/>.</summary>
    internal EventInvokeConfig? EventInvokeSettings(string name, string? qualifier) =>
        store.Read(s => s.EventInvoke(name, qualifier is null or FunctionConfig.Latest ? null : qualifier));

    /// <summary>
    /// A destination function ARN resolved to the version to run (an alias's primary version) and the
    /// qualifier as written; ResourceNotFound or Conflict (not Active) when it cannot run.
    /// </summary>
    internal Result<(FunctionConfig Config, string? Qualifier)> ResolveAsyncTarget(string functionArn)
    {
        var id = FunctionIdentifier.Parse(functionArn, null, account);
        if (id.Error is { } e) return e;
        var (name, qualifier) = (id.Value!.Name, id.Value.Qualifier);
        return store.Read<Result<(FunctionConfig, string?)>>(s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            if (!f.IsOk) return f.Error!;
            var c = ResolveQualifier(s, f.Value!, qualifier);
            if (!c.IsOk) return c.Error!;
            return c.Value!.State == FunctionState.Active
                ? (c.Value!, qualifier)
                : LambdaError.Conflict($"The function {functionArn} is {c.Value!.State}");
        });
    }
}
