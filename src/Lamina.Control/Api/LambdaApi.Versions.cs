using System.Globalization;
using System.Text.Json.Nodes;
using Lamina.Control.Domain;
using Lamina.Control.States;

namespace Lamina.Control.Api;

/// <summary>PublishVersion and ListVersionsByFunction.</summary>
public sealed partial class LambdaApi
{
    public async Task<ApiResponse> PublishVersionAsync(LambdaCall call)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var codeSha = input.String("CodeSha256");
        var description = input.String("Description");
        var revision = input.String("RevisionId");
        if (input.Error is { } typeError) return typeError;
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var name = id.Value!.Name;
        var result = await store.WriteAsync<FunctionConfig>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            var latest = f.Value!.Latest;
            if (FunctionTransitions.RefuseChange(latest, Arn(name)) is { } busy) return busy;
            if (latest.State != FunctionState.Active)
                return LambdaError.Conflict($"The operation cannot be performed at this time. The function is currently in the following state: {latest.State}");
            if (revision is not null && revision != latest.RevisionId)
                return new LambdaError(LambdaErrorType.PreconditionFailed, "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
            if (codeSha is not null && codeSha != latest.CodeSha256)
                return LambdaError.InvalidParameter($"CodeSHA256 ({codeSha}) is different from current CodeSHA256 in $LATEST ({latest.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.");
            // Like Lambda: publishing an unchanged $LATEST returns the newest version instead of a copy.
            if (f.Value.LastPublishedVersion > 0 && s.Version(name, f.Value.LastPublishedVersion) is { } last && SameCode(last, latest))
                return last;
            var number = f.Value.LastPublishedVersion + 1;
            var version = latest with
            {
                Version = number.ToString(CultureInfo.InvariantCulture),
                Description = description ?? latest.Description,
                RevisionId = FunctionConfig.NewRevisionId(),
            };
            s.InsertVersion(version);
            s.UpdateFunction(f.Value with { LastPublishedVersion = number });
            return version;
        }, call.Context.RequestAborted);
        if (result.IsOk) Activated(result.Value!);
        return From(result, c => ApiResponse.Ok(WireJson.Configuration(c, account), 201));
    }

    // Compared as stored JSON: record equality would compare the list and map members by reference.
    private static bool SameCode(FunctionConfig version, FunctionConfig latest) =>
        Storage.ControlJson.Write(version with { Version = FunctionConfig.Latest, Description = "", RevisionId = "", LastModified = default })
        == Storage.ControlJson.Write(latest with { Description = "", RevisionId = "", LastModified = default });

    public ApiResponse ListVersionsByFunction(LambdaCall call)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var paging = Paging(call);
        if (paging.Error is { } pe) return pe;
        var (marker, max) = paging.Value;
        var name = id.Value!.Name;
        return From(store.Read<Result<List<FunctionConfig>>>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            // $LATEST first, then versions in numeric order; the marker is the last version listed.
            var all = new List<FunctionConfig>();
            if (marker is null) all.Add(f.Value!.Latest);
            var after = marker is null or FunctionConfig.Latest ? 0 : long.TryParse(marker, out var m) ? m : long.MaxValue;
            all.AddRange(s.Versions(name, after, max + 1));
            return all;
        }), all =>
        {
            var o = new JsonObject { ["Versions"] = new JsonArray(all.Take(max).Select(c => (JsonNode)WireJson.Configuration(c, account)).ToArray()) };
            if (all.Count > max) o["NextMarker"] = all[max - 1].Version;
            return ApiResponse.Ok(o);
        });
    }
}
