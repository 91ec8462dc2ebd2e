using System.Text.Json.Nodes;
using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>
/// Put/Get/Delete/ListProvisionedConcurrencyConfig(s) (<c>/2019-09-30/functions/NAME/provisioned-concurrency</c>).
/// The API stores the request with Status IN_PROGRESS and answers 202; the scheduler keeps that many
/// environments initialised and writes Allocated/Available/Status (READY or FAILED) back (docs/scheduler.md).
/// </summary>
public sealed partial class LambdaApi
{
    public async Task<ApiResponse> PutProvisionedConcurrencyConfigAsync(LambdaCall call)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var requested = input.Int("ProvisionedConcurrentExecutions");
        if (input.Error is { } typeError) return typeError;
        if (requested is null) return LambdaError.Validation("null", "provisionedConcurrentExecutions", "Member must not be null");
        if (requested < 1) return LambdaError.Validation($"{requested}", "provisionedConcurrentExecutions", "Member must have value greater than or equal to 1");
        var target = ProvisionedTarget(call);
        if (target.Error is { } e) return e;
        var (name, qualifier) = target.Value;
        var now = time.GetUtcNow();
        var result = await store.WriteAsync<ProvisionedConcurrencyConfig>(s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            if (!f.IsOk) return f.Error!;
            var resolved = ResolveQualifier(s, f.Value!, qualifier);
            if (!resolved.IsOk) return resolved.Error!;
            // Provisioned environments are part of the function's reserved concurrency, as in AWS.
            var others = s.ProvisionedOf(name).Where(c => c.Qualifier != qualifier).Sum(c => c.Requested);
            if (f.Value!.ReservedConcurrency is { } reserved && others + requested.Value > reserved)
                return LambdaError.InvalidParameter("Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function");
            var config = new ProvisionedConcurrencyConfig(qualifier, requested.Value, 0, 0, ProvisionedConcurrencyStatus.InProgress, null, now);
            // Environments already kept for this qualifier stay counted until the scheduler has looked again.
            if (s.Provisioned(name, qualifier) is { } current)
                config = config with { Allocated = Math.Min(current.Allocated, requested.Value), Available = Math.Min(current.Available, requested.Value) };
            s.PutProvisioned(name, config);
            return config;
        }, call.Context.RequestAborted);
        return From(result, c => new ApiResponse(202, Wire(c, null)));
    }

    /// <summary>GET with <c>List=ALL</c> is ListProvisionedConcurrencyConfigs; with a Qualifier, GetProvisionedConcurrencyConfig.</summary>
    public ApiResponse GetOrListProvisionedConcurrencyConfigs(LambdaCall call)
    {
        if (call.Query("List") is { } list)
        {
            if (list != "ALL") return LambdaError.Validation(list, "list", "Member must satisfy enum value set: [ALL]");
            return ListProvisionedConcurrencyConfigs(call);
        }
        var target = ProvisionedTarget(call);
        if (target.Error is { } e) return e;
        var (name, qualifier) = target.Value;
        return From(store.Read<Result<ProvisionedConcurrencyConfig>>(s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            if (!f.IsOk) return f.Error!;
            return s.Provisioned(name, qualifier) is { } c ? c : NoProvisionedConfig(name, qualifier);
        }), c => ApiResponse.Ok(Wire(c, null)));
    }

    public async Task<ApiResponse> DeleteProvisionedConcurrencyConfigAsync(LambdaCall call)
    {
        var target = ProvisionedTarget(call);
        if (target.Error is { } e) return e;
        var (name, qualifier) = target.Value;
        var result = await store.WriteAsync<bool>(s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            if (!f.IsOk) return f.Error!;
            return s.DeleteProvisioned(name, qualifier) ? true : NoProvisionedConfig(name, qualifier);
        }, call.Context.RequestAborted);
        return From(result, _ => ApiResponse.NoContent());
    }

    private ApiResponse ListProvisionedConcurrencyConfigs(LambdaCall call)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var paging = Paging(call);
        if (paging.Error is { } pe) return pe;
        var (marker, max) = paging.Value;
        var name = id.Value!.Name;
        return From(store.Read<Result<List<ProvisionedConcurrencyConfig>>>(s =>
        {
            var f = Find(s, name, Arn(name));
            return f.IsOk ? s.ProvisionedOf(name) : f.Error!;
        }), all =>
        {
            var page = all.Where(c => marker is null || string.CompareOrdinal(c.Qualifier, marker) > 0).Take(max + 1).ToList();
            var o = new JsonObject
            {
                ["ProvisionedConcurrencyConfigs"] = new JsonArray(page.Take(max).Select(c => (JsonNode)Wire(c, Arn(name, c.Qualifier))).ToArray()),
            };
            if (page.Count > max) o["NextMarker"] = page[max - 1].Qualifier;
            return ApiResponse.Ok(o);
        });
    }

    /// <summary>The function and its qualifier; $LATEST and a missing qualifier are refused as AWS refuses them.</summary>
    private Result<(string Name, string Qualifier)> ProvisionedTarget(LambdaCall call)
    {
        var id = Identify(call);
        if (id.Error is { } e) return e;
        var (name, qualifier) = (id.Value!.Name, id.Value.Qualifier);
        if (string.IsNullOrEmpty(qualifier)) return LambdaError.Validation("null", "qualifier", "Member must not be null");
        if (qualifier == FunctionConfig.Latest)
            return LambdaError.InvalidParameter("Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
        return (name, qualifier);
    }

    private LambdaError NoProvisionedConfig(string name, string qualifier) =>
        new(LambdaErrorType.ProvisionedConcurrencyConfigNotFound, $"No Provisioned Concurrency Config found for this function: {Arn(name, qualifier)}");

    private static JsonObject Wire(ProvisionedConcurrencyConfig c, string? functionArn)
    {
        var o = new JsonObject();
        if (functionArn is not null) o["FunctionArn"] = functionArn;
        o["RequestedProvisionedConcurrentExecutions"] = c.Requested;
        o["AvailableProvisionedConcurrentExecutions"] = c.Available;
        o["AllocatedProvisionedConcurrentExecutions"] = c.Allocated;
        o["Status"] = c.Status switch
        {
            ProvisionedConcurrencyStatus.Ready => "READY",
            ProvisionedConcurrencyStatus.Failed => "FAILED",
            _ => "IN_PROGRESS",
        };
        if (c.StatusReason is { } reason) o["StatusReason"] = reason;
        o["LastModified"] = WireJson.Timestamp(c.LastModified);
        return o;
    }
}
