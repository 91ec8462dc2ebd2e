using System.Globalization;
using System.Text.Json.Nodes;
using Lamina.Aws;
using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>Renders stored configurations as Lambda's JSON shapes (botocore service-2.json member names).</summary>
public static class WireJson
{
    /// <summary>Lambda's LastModified text form: "2024-01-02T03:04:05.678+0000".</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    /// <summary>FunctionConfiguration. Published versions carry a qualified FunctionArn, $LATEST the unqualified one.</summary>
    public static JsonObject Configuration(FunctionConfig c, Credentials account)
    {
        var qualifier = c.Version == FunctionConfig.Latest ? null : c.Version;
        var o = new JsonObject
        {
            ["FunctionName"] = c.FunctionName,
            ["FunctionArn"] = FunctionIdentifier.Arn(account, c.FunctionName, qualifier),
            ["Role"] = c.Role,
            ["CodeSize"] = 0,
            ["Description"] = c.Description,
            ["Timeout"] = c.Timeout,
            ["MemorySize"] = c.MemorySize,
            ["LastModified"] = Timestamp(c.LastModified),
            ["CodeSha256"] = c.CodeSha256,
            ["Version"] = c.Version,
            ["TracingConfig"] = new JsonObject { ["Mode"] = "PassThrough" },
            ["RevisionId"] = c.RevisionId,
            ["State"] = c.State.ToString(),
            ["LastUpdateStatus"] = c.LastUpdateStatus.ToString(),
            ["PackageType"] = "Image",
            ["Architectures"] = new JsonArray(c.Architectures.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            ["EphemeralStorage"] = new JsonObject { ["Size"] = c.EphemeralStorage },
            ["SnapStart"] = new JsonObject { ["ApplyOn"] = "None", ["OptimizationStatus"] = "Off" },
            ["LoggingConfig"] = Logging(c.Logging ?? FunctionLogging.Default, c.FunctionName),
        };
        if (c.Environment is { Count: > 0 } env) o["Environment"] = new JsonObject { ["Variables"] = StringMap(env) };
        if (c.StateReason is not null) o["StateReason"] = c.StateReason;
        if (c.StateReasonCode is not null) o["StateReasonCode"] = c.StateReasonCode;
        if (c.LastUpdateStatusReason is not null) o["LastUpdateStatusReason"] = c.LastUpdateStatusReason;
        if (c.LastUpdateStatusReasonCode is not null) o["LastUpdateStatusReasonCode"] = c.LastUpdateStatusReasonCode;
        if (c.ImageConfig is { } ic)
        {
            var image = new JsonObject();
            if (ic.EntryPoint is not null) image["EntryPoint"] = StringList(ic.EntryPoint);
            if (ic.Command is not null) image["Command"] = StringList(ic.Command);
            if (ic.WorkingDirectory is not null) image["WorkingDirectory"] = ic.WorkingDirectory;
            o["ImageConfigResponse"] = new JsonObject { ["ImageConfig"] = image };
        }
        return o;
    }

    /// <summary>LoggingConfig as GetFunctionConfiguration returns it: levels only in JSON format.</summary>
    public static JsonObject Logging(FunctionLogging l, string functionName)
    {
        var o = new JsonObject { ["LogFormat"] = l.LogFormat };
        if (l.ApplicationLogLevel is not null) o["ApplicationLogLevel"] = l.ApplicationLogLevel;
        if (l.SystemLogLevel is not null) o["SystemLogLevel"] = l.SystemLogLevel;
        o["LogGroup"] = l.GroupFor(functionName);
        return o;
    }

    public static JsonObject Alias(AliasConfig a, string functionName, Credentials account)
    {
        var o = new JsonObject
        {
            ["AliasArn"] = FunctionIdentifier.Arn(account, functionName, a.Name),
            ["Name"] = a.Name,
            ["FunctionVersion"] = a.FunctionVersion,
            ["Description"] = a.Description,
            ["RevisionId"] = a.RevisionId,
        };
        if (a.AdditionalVersionWeights is { Count: > 0 } weights)
        {
            var w = new JsonObject();
            foreach (var (version, weight) in weights) w[version] = weight;
            o["RoutingConfig"] = new JsonObject { ["AdditionalVersionWeights"] = w };
        }
        return o;
    }

    public static JsonObject EventInvoke(EventInvokeConfig c, string functionName, Credentials account)
    {
        var o = new JsonObject
        {
            // A timestamp member of a rest-json shape: epoch seconds.
            ["LastModified"] = c.LastModified.ToUnixTimeMilliseconds() / 1000.0,
            ["FunctionArn"] = FunctionIdentifier.Arn(account, functionName, c.Qualifier ?? FunctionConfig.Latest),
            ["DestinationConfig"] = c.DestinationConfigJson is null ? new JsonObject() : JsonNode.Parse(c.DestinationConfigJson),
        };
        if (c.MaximumRetryAttempts is { } r) o["MaximumRetryAttempts"] = r;
        if (c.MaximumEventAgeInSeconds is { } age) o["MaximumEventAgeInSeconds"] = age;
        return o;
    }

    public static JsonObject StringMap(IReadOnlyDictionary<string, string> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map) o[k] = v;
        return o;
    }

    public static JsonArray StringList(IEnumerable<string> items) => new(items.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray());
}
