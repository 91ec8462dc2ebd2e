using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lamina.Control.Domain;
using Lamina.Control.Storage;

namespace Lamina.Control.Api;

/// <summary>CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases, with weighted routing.</summary>
public sealed partial class LambdaApi
{
    [GeneratedRegex(@"^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$")]
    private static partial Regex AliasRegex();

    public async Task<ApiResponse> CreateAliasAsync(LambdaCall call)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var aliasName = input.String("Name");
        var version = input.String("FunctionVersion");
        var description = input.String("Description");
        var weights = ReadWeights(input);
        if (input.Error is { } typeError) return typeError;
        if (aliasName is null) return LambdaError.Validation("null", "name", "Member must not be null");
        if (aliasName.Length > 128 || !AliasRegex().IsMatch(aliasName))
            return LambdaError.Validation(aliasName, "name", "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
        if (version is null) return LambdaError.Validation("null", "functionVersion", "Member must not be null");
        if (weights.Error is { } we) return we;
        var name = id.Value!.Name;
        var alias = new AliasConfig(aliasName, version, description ?? "", weights.Value, FunctionConfig.NewRevisionId());
        var result = await store.WriteAsync<AliasConfig>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            if (CheckAliasTargets(s, name, alias) is { } targetError) return targetError;
            if (s.Alias(name, aliasName) is not null) return LambdaError.Conflict($"Alias already exists: {Arn(name, aliasName)}");
            s.PutAlias(name, alias);
            return alias;
        }, call.Context.RequestAborted);
        if (result.IsOk) Activated(name, result.Value!);
        return From(result, a => ApiResponse.Ok(WireJson.Alias(a, name, account), 201));
    }

    public ApiResponse GetAlias(LambdaCall call)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var (name, aliasName) = (id.Value!.Name, call.Route("Name"));
        return From(store.Read<Result<AliasConfig>>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            return s.Alias(name, aliasName) is { } a ? a : LambdaError.NotFound($"Cannot find alias arn: {Arn(name, aliasName)}");
        }), a => ApiResponse.Ok(WireJson.Alias(a, name, account)));
    }

    public async Task<ApiResponse> UpdateAliasAsync(LambdaCall call)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var (name, aliasName) = (id.Value!.Name, call.Route("Name"));
        var version = input.String("FunctionVersion");
        var description = input.String("Description");
        var revision = input.String("RevisionId");
        var weights = ReadWeights(input);
        if (input.Error is { } typeError) return typeError;
        if (weights.Error is { } we) return we;
        var result = await store.WriteAsync<AliasConfig>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            if (s.Alias(name, aliasName) is not { } current) return LambdaError.NotFound($"Cannot find alias arn: {Arn(name, aliasName)}");
            if (revision is not null && revision != current.RevisionId)
                return new LambdaError(LambdaErrorType.PreconditionFailed, "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
            var updated = current with
            {
                FunctionVersion = version ?? current.FunctionVersion,
                Description = description ?? current.Description,
                AdditionalVersionWeights = input.Has("RoutingConfig") ? weights.Value : current.AdditionalVersionWeights,
                RevisionId = FunctionConfig.NewRevisionId(),
            };
            if (CheckAliasTargets(s, name, updated) is { } targetError) return targetError;
            s.PutAlias(name, updated);
            return updated;
        }, call.Context.RequestAborted);
        if (result.IsOk) Activated(name, result.Value!);
        return From(result, a => ApiResponse.Ok(WireJson.Alias(a, name, account)));
    }

    public async Task<ApiResponse> DeleteAliasAsync(LambdaCall call)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var (name, aliasName) = (id.Value!.Name, call.Route("Name"));
        var result = await store.WriteAsync<bool>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            // Like Lambda, deleting an alias that does not exist succeeds.
            s.DeleteAlias(name, aliasName);
            s.DeleteUrl(name, aliasName);
            s.DeleteEventInvoke(name, aliasName);
            return true;
        }, call.Context.RequestAborted);
        return From(result, _ => ApiResponse.NoContent());
    }

    public ApiResponse ListAliases(LambdaCall call)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var paging = Paging(call);
        if (paging.Error is { } pe) return pe;
        var (marker, max) = paging.Value;
        var version = call.Query("FunctionVersion");
        var name = id.Value!.Name;
        return From(store.Read<Result<List<AliasConfig>>>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            return s.Aliases(name).Where(a => (version is null || a.FunctionVersion == version) && (marker is null || string.CompareOrdinal(a.Name, marker) > 0)).ToList();
        }), all =>
        {
            var o = new JsonObject { ["Aliases"] = new JsonArray(all.Take(max).Select(a => (JsonNode)WireJson.Alias(a, name, account)).ToArray()) };
            if (all.Count > max) o["NextMarker"] = all[max - 1].Name;
            return ApiResponse.Ok(o);
        });
    }

    private static Result<IReadOnlyDictionary<string, double>?> ReadWeights(JsonInput input)
    {
        var routing = input.Object("RoutingConfig");
        if (routing?.Object("AdditionalVersionWeights") is not { } weightsInput) return new Result<IReadOnlyDictionary<string, double>?>(null, null);
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (version, _) in weightsInput.Json)
        {
            if (weightsInput.Double(version) is not { } weight) return new Result<IReadOnlyDictionary<string, double>?>(null, input.Error);
            if (!Regex.IsMatch(version, "^[0-9]+$"))
                return LambdaError.Validation(version, "routingConfig.additionalVersionWeights", "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]+]");
            if (weight is < 0.0 or > 1.0)
                return LambdaError.Validation($"{weight}", "routingConfig.additionalVersionWeights", "Map value must satisfy constraint: [Member must have value between 0.0 and 1.0]");
            weights[version] = weight;
        }
        if (weights.Count > 1) return LambdaError.InvalidParameter("Number of items in AdditionalVersionWeights cannot be greater than 1");
        return new Result<IReadOnlyDictionary<string, double>?>(weights, null);
    }

    /// <summary>The versions an alias names must exist; routing needs a published primary version different from the additional one.</summary>
    private LambdaError? CheckAliasTargets(ControlSession s, string name, AliasConfig alias)
    {
        if (alias.FunctionVersion != FunctionConfig.Latest)
        {
            if (!long.TryParse(alias.FunctionVersion, out var v) || s.Version(name, v) is null)
                return LambdaError.NotFound($"Function not found: {Arn(name, alias.FunctionVersion)}");
        }
        if (alias.AdditionalVersionWeights is not { Count: > 0 } weights) return null;
        if (alias.FunctionVersion == FunctionConfig.Latest)
            return LambdaError.InvalidParameter("$LATEST is not supported for an alias pointing to more than 1 version");
        foreach (var version in weights.Keys)
        {
            if (version == alias.FunctionVersion)
                return LambdaError.InvalidParameter($"Alias can't point to the same version {version} in FunctionVersion and AdditionalVersionWeights");
            if (s.Version(name, long.Parse(version, System.Globalization.CultureInfo.InvariantCulture)) is null)
                return LambdaError.NotFound($"Function not found: {Arn(name, version)}");
        }
        return null;
    }
}
