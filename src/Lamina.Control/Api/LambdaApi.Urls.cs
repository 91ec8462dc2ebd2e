using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>Function URL configurations (the configuration API; the endpoint itself is <see cref="Urls.FunctionUrlEndpoint"/>).</summary>
public sealed partial class LambdaApi
{
    public async Task<ApiResponse> CreateFunctionUrlConfigAsync(LambdaCall call)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var target = UrlTarget(call);
        if (target.Error is { } e) return e;
        var (name, qualifier) = target.Value;
        var auth = input.String("AuthType");
        var mode = input.String("InvokeMode") ?? "BUFFERED";
        var cors = input.Object("Cors")?.Json.ToJsonString();
        if (input.Error is { } typeError) return typeError;
        if (ValidateUrlEnums(auth, mode, required: true) is { } enumError) return enumError;
        var now = time.GetUtcNow();
        var url = new UrlConfig(qualifier, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), auth!, cors, mode, now, now);
        var result = await store.WriteAsync<UrlConfig>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            if (qualifier is not null && s.Alias(name, qualifier) is null) return LambdaError.NotFound($"Function not found: {Arn(name, qualifier)}");
            if (s.Url(name, qualifier) is not null)
                return LambdaError.Conflict($"Failed to create function url config for [functionArn = {Arn(name, qualifier)}]. Error message:  FunctionUrlConfig exists for this Lambda function");
            s.PutUrl(name, url);
            return url;
        }, call.Context.RequestAborted);
        return From(result, u => ApiResponse.Ok(UrlJson(call, name, u, includeModified: false), 201));
    }

    public ApiResponse GetFunctionUrlConfig(LambdaCall call)
    {
        var target = UrlTarget(call);
        if (target.Error is { } e) return e;
        var (name, qualifier) = target.Value;
        return From(store.Read<Result<UrlConfig>>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            return s.Url(name, qualifier) is { } u ? u : LambdaError.NotFound("The resource you requested does not exist.");
        }), u => ApiResponse.Ok(UrlJson(call, name, u, includeModified: true)));
    }

    public async Task<ApiResponse> UpdateFunctionUrlConfigAsync(LambdaCall call)
    {
        var input = call.JsonBody(out var parseError);
        if (input is null) return parseError!;
        var target = UrlTarget(call);
        if (target.Error is { } e) return e;
        var (name, qualifier) = target.Value;
        var auth = input.String("AuthType");
        var mode = input.String("InvokeMode");
        var cors = input.Object("Cors")?.Json.ToJsonString();
        if (input.Error is { } typeError) return typeError;
        if (ValidateUrlEnums(auth, mode, required: false) is { } enumError) return enumError;
        var now = time.GetUtcNow();
        var result = await store.WriteAsync<UrlConfig>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            if (s.Url(name, qualifier) is not { } current) return LambdaError.NotFound("The resource you requested does not exist.");
            var updated = current with { AuthType = auth ?? current.AuthType, InvokeMode = mode ?? current.InvokeMode, CorsJson = cors ?? current.CorsJson, LastModifiedTime = now };
            s.PutUrl(name, updated);
            return updated;
        }, call.Context.RequestAborted);
        return From(result, u => ApiResponse.Ok(UrlJson(call, name, u, includeModified: true)));
    }

    public async Task<ApiResponse> DeleteFunctionUrlConfigAsync(LambdaCall call)
    {
        var target = UrlTarget(call);
        if (target.Error is { } e) return e;
        var (name, qualifier) = target.Value;
        var result = await store.WriteAsync<bool>(s =>
        {
            var f = Find(s, name, Arn(name));
            if (!f.IsOk) return f.Error!;
            return s.DeleteUrl(name, qualifier) ? true : LambdaError.NotFound("The resource you requested does not exist.");
        }, call.Context.RequestAborted);
        return From(result, _ => ApiResponse.NoContent());
    }

    public ApiResponse ListFunctionUrlConfigs(LambdaCall call)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), null, account);
        if (id.Error is { } e) return e;
        var name = id.Value!.Name;
        return From(store.Read<Result<List<UrlConfig>>>(s =>
        {
            var f = Find(s, name, Arn(name));
            return f.IsOk ? s.Urls(name) : f.Error!;
        }), urls => ApiResponse.Ok(new JsonObject
        {
            ["FunctionUrlConfigs"] = new JsonArray(urls.Select(u => (JsonNode)UrlJson(call, name, u, includeModified: true)).ToArray()),
        }));
    }

    /// <summary>URL configurations attach to the function or one of its aliases (not to numbered versions).</summary>
    private Result<(string Name, string? Qualifier)> UrlTarget(LambdaCall call)
    {
        var id = FunctionIdentifier.Parse(call.Route("FunctionName"), call.Query("Qualifier"), account);
        if (id.Error is { } e) return e;
        var q = id.Value!.Qualifier;
        if (q is not null && (q == FunctionConfig.Latest || q.All(char.IsAsciiDigit)))
            return LambdaError.Validation(q, "qualifier", @"Member must satisfy regular expression pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)");
        return (id.Value.Name, q);
    }

    private static LambdaError? ValidateUrlEnums(string? auth, string? mode, bool required)
    {
        if (auth is null && required) return LambdaError.Validation("null", "authType", "Member must not be null");
        if (auth is not null and not ("NONE" or "AWS_IAM"))
            return LambdaError.Validation(auth, "authType", "Member must satisfy enum value set: [NONE, AWS_IAM]");
        if (mode is not null and not ("BUFFERED" or "RESPONSE_STREAM"))
            return LambdaError.Validation(mode, "invokeMode", "Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]");
        return null;
    }

    private JsonObject UrlJson(LambdaCall call, string name, UrlConfig u, bool includeModified)
    {
        var request = call.Context.Request;
        var o = new JsonObject
        {
            // The path form works for every client; the Host form is <id>.lambda-url.<region>.localhost (docs/control-plane.md).
            ["FunctionUrl"] = Urls.UrlRoute.PublicUrl(request, u.UrlId),
            ["FunctionArn"] = Arn(name, u.Qualifier),
            ["AuthType"] = u.AuthType,
            ["CreationTime"] = WireJson.Timestamp(u.CreationTime),
            ["InvokeMode"] = u.InvokeMode,
        };
        if (u.CorsJson is not null) o["Cors"] = JsonNode.Parse(u.CorsJson);
        if (includeModified) o["LastModifiedTime"] = WireJson.Timestamp(u.LastModifiedTime);
        return o;
    }
}
