using System.Text;
using System.Text.Json;
using Lamina.Control.Diagnostics;
using Lamina.Control.Domain;
using Lamina.Control.Invoke;

namespace Lamina.Control.Api;

/// <summary>
/// Invoke: resolve the qualifier (an alias's weights pick a version at random), refuse functions that are
/// not Active, check the payload limit of the invocation type, then hand the exact version (with its image
/// digest) to <see cref="IFunctionInvoker"/>.
/// </summary>
public sealed partial class LambdaApi
{
    private const int LogTailBytes = 4096;

    public async Task<ApiResponse> InvokeAsync(LambdaCall call)
    {
        using var activity = InvokeTracing.StartInvoke(call.RequestId);
        var typeHeader = call.Header("X-Amz-Invocation-Type") ?? "RequestResponse";
        if (!Enum.TryParse<InvocationType>(typeHeader, ignoreCase: false, out var type) || !Enum.IsDefined(type) || typeHeader.Any(char.IsDigit))
            return LambdaError.Validation(typeHeader, "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
        var logType = call.Header("X-Amz-Log-Type");
        if (logType is not (null or "None" or "Tail"))
            return LambdaError.Validation(logType, "logType", "Member must satisfy enum value set: [None, Tail]");
        var (request, qualifier, refusal) = ResolveInvoke(call, type, logType == "Tail");
        if (refusal is not null) return refusal;
        var config = request!.Function;
        InvokeTracing.Resolved(activity, config, request.InvokedFunctionArn, account, type);

        // Step 3: run (or queue, or only check).
        switch (type)
        {
            case InvocationType.DryRun:
                return new ApiResponse(204) { Headers = { ["X-Amz-Executed-Version"] = config.Version } };
            case InvocationType.Event:
                await events.EnqueueAsync(request, qualifier, call.Context.RequestAborted);
                return new ApiResponse(202, Raw: ReadOnlyMemory<byte>.Empty);
        }
        var result = await invoker.InvokeAsync(request, call.Context.RequestAborted);
        InvokeTracing.Completed(activity, result.Error?.Type.ToString() ?? result.FunctionError);
        if (result.Error is { } invokeError) return invokeError;
        var response = new ApiResponse(200, Raw: result.Payload) { Headers = { ["X-Amz-Executed-Version"] = config.Version } };
        if (result.FunctionError is not null) response.Headers["X-Amz-Function-Error"] = result.FunctionError;
        if (request.TailLog) response.Headers["X-Amz-Log-Result"] = LogTail(result.LogTail ?? "");
        return response;
    }

    /// <summary>Steps 1 and 2 of every invoke API: the payload limit, a JSON payload, the version to run (Active,
    /// not reserved to 0). Returns the request to run, or the refusal.</summary>
    private (InvokeRequest? Request, string? Qualifier, ApiResponse? Refusal) ResolveInvoke(LambdaCall call, InvocationType type, bool tail)
    {
        var id = Identify(call);
        if (id.Error is { } e) return (null, null, e);
        var (request, refusal) = ResolveTarget(id.Value!.Name, id.Value.Qualifier, call.Body, type, tail, call.Header("X-Amz-Client-Context"), call.RequestId);
        return (request, id.Value.Qualifier, refusal is { } r ? (ApiResponse)r : null);
    }

    /// <summary>The checks every invoke path shares (API, function URLs) once the function and qualifier are known.</summary>
    internal (InvokeRequest? Request, LambdaError? Refusal) ResolveTarget(string name, string? qualifier, byte[] body, InvocationType type,
        bool tail, string? clientContext, string requestId, bool jsonOnly = true)
    {
        // Step 1: payload limit of the invocation type, and a JSON payload (Lambda refuses anything else).
        var limit = type == InvocationType.Event ? AsyncPayloadLimit : SyncPayloadLimit;
        if (body.Length > limit)
        {
            return (null, new LambdaError(LambdaErrorType.RequestTooLarge,
                $"Request must be smaller than {limit} bytes for the {(type == InvocationType.Event ? "InvokeAsync" : "InvokeFunction")} operation"));
        }
        if (jsonOnly && body.Length > 0 && !IsJson(body))
            return (null, new LambdaError(LambdaErrorType.InvalidRequestContent, "Could not parse request body into json: Could not parse payload into json"));

        // Step 2: resolve the version to run (from memory unless control.db was written since: ReadInvokeTargets).
        var targets = ReadInvokeTargets(name, qualifier);
        if (targets.Error is { } fe) return (null, fe);
        var version = PickVersion(targets.Alias, qualifier);
        var target = targets.ByVersion.TryGetValue(version ?? FunctionConfig.Latest, out var picked) ? picked
            : LambdaError.FunctionNotFound(Arn(name, version)); // not reached: every version the alias routes to was read
        if (target.Error is { } te) return (null, te);
        var (config, reserved) = (target.Value!, targets.Reserved);
        if (config.State != FunctionState.Active)
            return (null, LambdaError.Conflict($"The operation cannot be performed at this time. The function is currently in the following state: {config.State}"));
        if (reserved.Limit == 0)
            return (null, new LambdaError(LambdaErrorType.TooManyRequests, "Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimitExceeded"));

        return (new InvokeRequest(config, Arn(name, qualifier), requestId, body, type, tail, clientContext) { Reservation = reserved }, null);
    }

    /// <summary>The version an alias routes this invocation to: the additional version with its weight's probability.</summary>
    private static string? PickVersion(AliasConfig? alias, string? qualifier)
    {
        if (alias is null) return qualifier;
        if (alias.AdditionalVersionWeights is { Count: > 0 } weights)
        {
            var roll = Random.Shared.NextDouble();
            foreach (var (version, weight) in weights)
            {
                if (roll < weight) return version;
                roll -= weight;
            }
        }
        return alias.FunctionVersion;
    }

    /// <summary>Base64 of the log's last 4 KB, cut on a UTF-8 character boundary.</summary>
    internal static string LogTail(string log)
    {
        var bytes = Encoding.UTF8.GetBytes(log);
        var start = Math.Max(0, bytes.Length - LogTailBytes);
        while (start < bytes.Length && start > 0 && (bytes[start] & 0xC0) == 0x80) start++;
        return Convert.ToBase64String(bytes, start, bytes.Length - start);
    }

    private static bool IsJson(byte[] body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
