using System.Text.Json.Nodes;
using Lamina.Control.Domain;
using Lamina.Control.Invoke;
using Lamina.Control.States;

namespace Lamina.Control.Api;

/// <summary>CreateFunction, GetFunction, GetFunctionConfiguration, Update*, DeleteFunction, ListFunctions.</summary>
public sealed partial class LambdaApi
{
    public async Task<ApiResponse> CreateFunctionAsync(LambdaCall call)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var nameValue = input.String("FunctionName");
        var packageType = input.String("PackageType");
        var code = input.Object("Code");
        var imageUri = code?.String("ImageUri");
        var tags = input.StringMap("Tags");
        var publish = input.Bool("Publish");
        // Bind every member first, so a mistyped one is reported before any rule about the others.
        var now = time.GetUtcNow();
        var draft = new FunctionConfig { FunctionName = "", Role = "", ImageUri = imageUri ?? "", LastModified = now, RevisionId = FunctionConfig.NewRevisionId() };
        var applied = FunctionSettings.Apply(input, draft);
        if (input.Error is { } typeError) return typeError;
        if (nameValue is null) return LambdaError.Validation("null", "functionName", "Member must not be null");
        var id = FunctionIdentifier.Parse(nameValue, null, account);
        if (id.Error is { } idError) return idError;
        if (id.Value!.Qualifier is not null) return LambdaError.InvalidParameter("Unqualified function name or ARN expected: a function cannot be created with a qualifier.");
        if (input.String("Role") is null) return LambdaError.Validation("null", "role", "Member must not be null");
        if (packageType != "Image")
        {
            return packageType is null or "Zip"
                ? LambdaError.InvalidParameter("Lamina runs container images only: set PackageType to Image and Code.ImageUri.")
                : LambdaError.Validation(packageType, "packageType", "Member must satisfy enum value set: [Zip, Image]");
        }
        if (input.Has("Runtime") || input.Has("Handler"))
            return LambdaError.InvalidParameter("Runtime and Handler are not supported for functions with PackageType Image; use ImageConfig.");
        if (string.IsNullOrEmpty(imageUri)) return LambdaError.InvalidParameter("Code.ImageUri is required for functions with PackageType Image.");
        if (LambdaImageUri.Parse(imageUri) is null) return LambdaError.InvalidParameter(LambdaImageUri.InvalidMessage(imageUri));
        if (publish == true) return LambdaError.InvalidParameter("Publish on CreateFunction is not supported yet; call PublishVersion once the function is Active.");
        if (tags is not null && ValidateTags(tags) is { } tagError) return tagError;

        if (applied.Error is { } settingsError) return settingsError;
        var config = FunctionTransitions.Creating(applied.Value! with { FunctionName = id.Value.Name });

        var created = await store.WriteAsync<FunctionConfig>(s =>
            s.InsertFunction(new FunctionRecord(config, tags ?? [], null, 0, now))
                ? config
                : LambdaError.Conflict($"Function already exist: {id.Value.Name}"), call.Context.RequestAborted);
        if (created.IsOk) states.Enqueue(config.FunctionName);
        return From(created, c => ApiResponse.Ok(WireJson.Configuration(c, account), 201));
    }

    public ApiResponse GetFunction(LambdaCall call)
    {
        var id = Identify(call);
        if (id.Error is { } e) return e;
        var (name, qualifier) = (id.Value!.Name, id.Value.Qualifier);
        return From(store.Read<Result<(FunctionRecord, FunctionConfig)>>(s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            if (!f.IsOk) return f.Error!;
            var c = ResolveQualifier(s, f.Value!, qualifier);
            return c.IsOk ? (f.Value!, c.Value!) : c.Error!;
        }), r =>
        {
            var (f, c) = r;
            var codeJson = new JsonObject { ["RepositoryType"] = "ECR", ["ImageUri"] = c.ImageUri };
            if (c.ResolvedImageUri is not null) codeJson["ResolvedImageUri"] = c.ResolvedImageUri;
            var o = new JsonObject { ["Configuration"] = WireJson.Configuration(c, account), ["Code"] = codeJson };
            if (f.Tags.Count > 0) o["Tags"] = WireJson.StringMap(f.Tags);
            if (f.ReservedConcurrency is { } rc) o["Concurrency"] = new JsonObject { ["ReservedConcurrentExecutions"] = rc };
            return ApiResponse.Ok(o);
        });
    }

    public ApiResponse GetFunctionConfiguration(LambdaCall call)
    {
        var id = Identify(call);
        if (id.Error is { } e) return e;
        var (name, qualifier) = (id.Value!.Name, id.Value.Qualifier);
        return From(store.Read(s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            return f.IsOk ? ResolveQualifier(s, f.Value!, qualifier) : f.Error!;
        }), c => ApiResponse.Ok(WireJson.Configuration(c, account)));
    }

    public Task<ApiResponse> UpdateFunctionConfigurationAsync(LambdaCall call) => UpdateLatestAsync(call, (input, c) =>
    {
        if (input.Has("Runtime") || input.Has("Handler"))
            return LambdaError.InvalidParameter("Runtime and Handler are not supported for functions with PackageType Image; use ImageConfig.");
        return FunctionSettings.Apply(input, c);
    });

    public Task<ApiResponse> UpdateFunctionCodeAsync(LambdaCall call) => UpdateLatestAsync(call, (input, c) =>
    {
        var imageUri = input.String("ImageUri");
        var publish = input.Bool("Publish");
        if (input.Error is { } typeError) return typeError;
        if (input.Has("ZipFile") || input.Has("S3Bucket"))
            return LambdaError.InvalidParameter("Please provide ImageUri when updating a function with packageType Image.");
        if (string.IsNullOrEmpty(imageUri)) return LambdaError.InvalidParameter("Please provide ImageUri when updating a function with packageType Image.");
        if (LambdaImageUri.Parse(imageUri) is null) return LambdaError.InvalidParameter(LambdaImageUri.InvalidMessage(imageUri));
        if (publish == true) return LambdaError.InvalidParameter("Publish on UpdateFunctionCode is not supported yet; call PublishVersion once the update is Successful.");
        return c with { PreviousImageUri = c.ImageUri, ImageUri = imageUri };
    });

    /// <summary>Shared path of both updates: RevisionId check, conflict while an update runs, InProgress, queue for the worker.</summary>
    private async Task<ApiResponse> UpdateLatestAsync(LambdaCall call, Func<JsonInput, FunctionConfig, Result<FunctionConfig>> change)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        if (id.Value!.Qualifier is not null and not FunctionConfig.Latest)
            return LambdaError.InvalidParameter("Only the $LATEST version of a function can be updated.");
        var revision = input.String("RevisionId");
        var name = id.Value.Name;
        var now = time.GetUtcNow();
        var result = await store.WriteAsync<FunctionConfig>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            var latest = f.Value!.Latest;
            if (revision is not null && revision != latest.RevisionId)
                return new LambdaError(LambdaErrorType.PreconditionFailed, "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
            if (FunctionTransitions.RefuseChange(latest, Arn(name)) is { } busy) return busy;
            var changed = change(input, latest);
            if (!changed.IsOk) return changed.Error!;
            var updated = FunctionTransitions.Updating(changed.Value!) with { LastModified = now, RevisionId = FunctionConfig.NewRevisionId() };
            s.UpdateFunction(f.Value with { Latest = updated });
            return updated;
        }, call.Context.RequestAborted);
        if (result.IsOk) states.Enqueue(name);
        return From(result, c => ApiResponse.Ok(WireJson.Configuration(c, account)));
    }

    public async Task<ApiResponse> DeleteFunctionAsync(LambdaCall call)
    {
        var id = Identify(call);
        if (id.Error is { } e) return e;
        var (name, qualifier) = (id.Value!.Name, id.Value.Qualifier);
        var result = await store.WriteAsync<bool>(s =>
        {
            var f = Find(s, name, Arn(name, qualifier));
            if (!f.IsOk) return f.Error!;
            if (qualifier is null) return s.DeleteFunction(name);
            if (qualifier == FunctionConfig.Latest)
                return LambdaError.InvalidParameter("$LATEST version cannot be deleted without deleting the function.");
            if (!long.TryParse(qualifier, out var version))
                return LambdaError.InvalidParameter("Deletion of aliases is not supported through DeleteFunction; use DeleteAlias.");
            var users = s.Aliases(name).Where(a => a.FunctionVersion == qualifier || a.AdditionalVersionWeights?.ContainsKey(qualifier) == true).Select(a => a.Name).ToList();
            if (users.Count > 0) return LambdaError.Conflict($"Unable to delete version because the following aliases reference it: [{string.Join(", ", users)}]");
            return s.DeleteVersion(name, version) ? true : LambdaError.FunctionNotFound(Arn(name, qualifier));
        }, call.Context.RequestAborted);
        // Committed: the deleted function's (or version's) idle environments go now, not at the idle timeout.
        if (result.IsOk && invoker is IFunctionRetirement retirement) retirement.FunctionDeleted(name, qualifier);
        return From(result, _ => ApiResponse.NoContent());
    }

    public ApiResponse ListFunctions(LambdaCall call)
    {
        var paging = Paging(call);
        if (paging.Error is { } e) return e;
        var (marker, max) = paging.Value;
        var page = store.Read(s => s.Functions(marker, max + 1));
        var o = new JsonObject { ["Functions"] = new JsonArray(page.Take(max).Select(f => (JsonNode)WireJson.Configuration(f.Latest, account)).ToArray()) };
        if (page.Count > max) o["NextMarker"] = page[max - 1].Latest.FunctionName;
        return ApiResponse.Ok(o);
    }
}
