using System.Text.Json.Nodes;
using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>TagResource, UntagResource, ListTags on function ARNs.</summary>
public sealed partial class LambdaApi
{
    private const int MaxTags = 50;

    public async Task<ApiResponse> TagResourceAsync(LambdaCall call)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var tags = input.StringMap("Tags");
        if (input.Error is { } typeError) return typeError;
        if (tags is null) return LambdaError.Validation("null", "tags", "Member must not be null");
        if (ValidateTags(tags) is { } tagError) return tagError;
        return await ChangeTagsAsync(call, current =>
        {
            foreach (var (k, v) in tags) current[k] = v;
            return current.Count > MaxTags ? LambdaError.InvalidParameter($"Number of tags exceeds resource tag limit of {MaxTags}.") : null;
        });
    }

    public Task<ApiResponse> UntagResourceAsync(LambdaCall call)
    {
        var keys = call.QueryAll("tagKeys");
        return ChangeTagsAsync(call, current =>
        {
            foreach (var k in keys) current.Remove(k);
            return null;
        });
    }

    public ApiResponse ListTags(LambdaCall call)
    {
        var name = TaggedFunction(call);
        if (name.Error is { } e) return e;
        return From(store.Read(s => Find(s, name.Value!, Arn(name.Value!))),
            f => ApiResponse.Ok(new JsonObject { ["Tags"] = WireJson.StringMap(f.Tags) }));
    }

    private async Task<ApiResponse> ChangeTagsAsync(LambdaCall call, Func<Dictionary<string, string>, LambdaError?> change)
    {
        var name = TaggedFunction(call);
        if (name.Error is { } e) return e;
        var result = await store.WriteAsync<bool>(s =>
        {
            var f = Find(s, name.Value!, Arn(name.Value!));
            if (!f.IsOk) return f.Error!;
            var tags = new Dictionary<string, string>(f.Value!.Tags, StringComparer.Ordinal);
            if (change(tags) is { } error) return error;
            s.UpdateFunction(f.Value with { Tags = tags });
            return true;
        }, call.Context.RequestAborted);
        return From(result, _ => ApiResponse.NoContent());
    }

    /// <summary>Tag operations take a full, unqualified function ARN.</summary>
    private Result<string> TaggedFunction(LambdaCall call)
    {
        var arn = call.Route("Resource");
        if (!arn.StartsWith("arn:", StringComparison.Ordinal))
            return LambdaError.Validation(arn, "resource", "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
        var id = FunctionIdentifier.Parse(arn, null, account, "resource");
        if (id.Error is { } e) return e;
        if (id.Value!.Qualifier is not null) return LambdaError.InvalidParameter("Tags are not supported on function versions or aliases; use the unqualified function ARN.");
        return id.Value.Name;
    }

    private static LambdaError? ValidateTags(Dictionary<string, string> tags)
    {
        if (tags.Count > MaxTags) return LambdaError.InvalidParameter($"Number of tags exceeds resource tag limit of {MaxTags}.");
        foreach (var (k, v) in tags)
        {
            if (k.Length is 0 or > 128) return LambdaError.InvalidParameter($"Tag key '{k}' must be 1 to 128 characters.");
            if (v.Length > 256) return LambdaError.InvalidParameter($"Tag value for key '{k}' must be at most 256 characters.");
            if (k.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)) return LambdaError.InvalidParameter("Tag keys starting with 'aws:' are reserved.");
        }
        return null;
    }
}
