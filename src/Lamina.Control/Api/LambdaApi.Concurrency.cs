using System.Text.Json.Nodes;
using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>Put/Get/DeleteFunctionConcurrency and GetAccountSettings.</summary>
public sealed partial class LambdaApi
{
    public async Task<ApiResponse> PutFunctionConcurrencyAsync(LambdaCall call)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var reserved = input.Int("ReservedConcurrentExecutions");
        if (input.Error is { } typeError) return typeError;
        if (reserved is null) return LambdaError.Validation("null", "reservedConcurrentExecutions", "Member must not be null");
        if (reserved < 0) return LambdaError.Validation($"{reserved}", "reservedConcurrentExecutions", "Member must have value greater than or equal to 0");
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var name = id.Value!.Name;
        var result = await store.WriteAsync<int>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            if (AccountConcurrencyLimit - s.ReservedConcurrencyTotal(except: name) - reserved.Value < MinimumUnreservedConcurrency)
            {
                return LambdaError.InvalidParameter("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
                    + $"below its minimum value of [{MinimumUnreservedConcurrency}].");
            }
            s.UpdateFunction(f.Value! with { ReservedConcurrency = reserved.Value });
            return reserved.Value;
        }, call.Context.RequestAborted);
        return From(result, r => ApiResponse.Ok(new JsonObject { ["ReservedConcurrentExecutions"] = r }));
    }

    public ApiResponse GetFunctionConcurrency(LambdaCall call)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var name = id.Value!.Name;
        return From(store.Read(s => Find(s, name, Arn(name))), f => ApiResponse.Ok(f.ReservedConcurrency is { } r
            ? new JsonObject { ["ReservedConcurrentExecutions"] = r }
            : new JsonObject()));
    }

    public async Task<ApiResponse> DeleteFunctionConcurrencyAsync(LambdaCall call)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var name = id.Value!.Name;
        var result = await store.WriteAsync<bool>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            s.UpdateFunction(f.Value! with { ReservedConcurrency = null });
            return true;
        }, call.Context.RequestAborted);
        return From(result, _ => ApiResponse.NoContent());
    }

    public ApiResponse GetAccountSettings(LambdaCall call)
    {
        var (reserved, count) = store.Read(s => (s.ReservedConcurrencyTotal(), s.FunctionCount()));
        return ApiResponse.Ok(new JsonObject
        {
            ["AccountLimit"] = new JsonObject
            {
                ["TotalCodeSize"] = 80530636800L,
                ["CodeSizeUnzipped"] = 262144000L,
                ["CodeSizeZipped"] = 52428800L,
                ["ConcurrentExecutions"] = AccountConcurrencyLimit,
                ["UnreservedConcurrentExecutions"] = AccountConcurrencyLimit - reserved,
            },
            ["AccountUsage"] = new JsonObject { ["TotalCodeSize"] = 0L, ["FunctionCount"] = count },
        });
    }
}
