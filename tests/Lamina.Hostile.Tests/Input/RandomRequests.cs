using System.Globalization;
using System.Text;

namespace Lamina.Hostile.Tests.Input;

/// <summary>
/// Random HTTP requests near the shape of Lamina's surfaces: real routes with hostile names filled in, the
/// real X-Amz-Target operations, bodies that are valid JSON bent (wrong types, huge numbers, traversal names)
/// or raw noise. Deterministic for a seed, so a failure's seed replays it (LAMINA_FUZZ_SEED).
/// </summary>
internal sealed class RandomRequests(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] Names = ["fn", "a", "team/app", "..", "../../etc", "%2e%2e", "a%2Fb", "A", "x".PadRight(300, 'x'), "ü", "a b", "", "fn:1", "fn:$LATEST", "arn:aws:lambda:us-east-1:000000000000:function:fn", "%00", "a;b", "'", "\""];
    private static readonly string[] Digests = ["sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "sha256:", "sha256:../../x", "md5:abc", "latest", "v1"];
    private static readonly string[] Templates =
    [
        "/v2/", "/v2/{n}/manifests/{d}", "/v2/{n}/blobs/{d}", "/v2/{n}/blobs/uploads/", "/v2/{n}/blobs/uploads/?digest={d}", "/v2/{n}/blobs/uploads/{u}",
        "/v2/{n}/blobs/uploads/?mount={d}&from={n}", "/v2/{n}/tags/list?n={i}&last={n}", "/v2/_catalog?n={i}&last={n}", "/v2/{n}/referrers/{d}?artifactType={n}", "/v2/token?scope=repository:{n}:pull,push&service=x",
        "/2015-03-31/functions", "/2015-03-31/functions/?Marker={n}&MaxItems={i}", "/2015-03-31/functions/{n}", "/2015-03-31/functions/{n}/configuration", "/2015-03-31/functions/{n}/code",
        "/2015-03-31/functions/{n}/invocations?Qualifier={n}", "/2015-03-31/functions/{n}/versions", "/2015-03-31/functions/{n}/aliases", "/2015-03-31/functions/{n}/aliases/{n}",
        "/2015-03-31/functions/{n}/policy", "/2017-10-31/functions/{n}/concurrency", "/2019-09-25/functions/{n}/event-invoke-config", "/2021-10-31/functions/{n}/url", "/2017-03-31/tags/{n}",
        "/2016-08-19/account-settings", "/2021-11-15/functions/{n}/response-streaming-invocations", "/metrics", "/lamina/api/v1/functions", "/lamina/api/v1/functions/{n}", "/console/{n}", "/",
    ];
    private static readonly string[] Targets =
    [
        "AmazonEC2ContainerRegistry_V20150921.CreateRepository", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories", "AmazonEC2ContainerRegistry_V20150921.DeleteRepository",
        "AmazonEC2ContainerRegistry_V20150921.ListImages", "AmazonEC2ContainerRegistry_V20150921.DescribeImages", "AmazonEC2ContainerRegistry_V20150921.BatchGetImage",
        "AmazonEC2ContainerRegistry_V20150921.BatchDeleteImage", "AmazonEC2ContainerRegistry_V20150921.BatchCheckLayerAvailability", "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
        "AmazonEC2ContainerRegistry_V20150921.PutLifecyclePolicy", "AmazonEC2ContainerRegistry_V20150921.GetLifecyclePolicy", "AmazonEC2ContainerRegistry_V20150921.PutImageTagMutability",
        "AmazonEC2ContainerRegistry_V20150921.PutImage", "AmazonEC2ContainerRegistry_V20150921.Nope", "Logs_20140328.CreateLogGroup", "Logs_20140328.CreateLogStream", "Logs_20140328.PutLogEvents",
        "Logs_20140328.GetLogEvents", "Logs_20140328.FilterLogEvents", "Logs_20140328.DescribeLogGroups", "Logs_20140328.DescribeLogStreams", "Logs_20140328.DeleteLogGroup", "Other.Op", "", ".",
    ];
    private static readonly string[] Fields =
    [
        "FunctionName", "Code", "ImageUri", "Role", "PackageType", "MemorySize", "Timeout", "Environment", "Variables", "EphemeralStorage", "Size", "ImageConfig", "EntryPoint",
        "Command", "Name", "FunctionVersion", "ReservedConcurrentExecutions", "Tags", "DestinationConfig", "OnFailure", "Destination", "MaximumRetryAttempts", "AuthType", "Cors",
        "repositoryName", "repositoryNames", "imageIds", "imageTag", "imageDigest", "imageManifest", "lifecyclePolicyText", "imageTagMutability", "layerDigests", "maxResults", "nextToken",
        "logGroupName", "logStreamName", "logEvents", "timestamp", "message", "startTime", "endTime", "filterPattern", "limit", "startFromHead", "logGroupNamePrefix",
    ];
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"];

    public HttpRequestMessage Next()
    {
        var template = Pick(Templates);
        var path = template.Replace("{n}", Uri.EscapeDataString(Pick(Names)).Replace("%2F", Chance(2) ? "/" : "%2F", StringComparison.Ordinal), StringComparison.Ordinal)
            .Replace("{d}", Pick(Digests), StringComparison.Ordinal)
            .Replace("{u}", Chance(2) ? new Guid(RandomBytes(16)).ToString() : Pick(Names), StringComparison.Ordinal)
            .Replace("{i}", Pick(["0", "-1", "1", "99999999999", "x", ""]), StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(template == "/" ? (Chance(5) ? Pick(Methods) : "POST") : Pick(Methods)), path);
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head || Chance(10))
        {
            var body = Body();
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type",
                Pick(["application/json", "application/x-amz-json-1.1", "application/octet-stream", "application/vnd.oci.image.manifest.v1+json", "text/plain", "garbage/"]));
            if (Chance(4)) request.Content.Headers.TryAddWithoutValidation("Content-Range", Pick(["0-10", "5-3", "0-99999999999", "a-b", "-"]));
        }
        if (template == "/" || Chance(8)) request.Headers.TryAddWithoutValidation("X-Amz-Target", Pick(Targets));
        if (Chance(4)) request.Headers.TryAddWithoutValidation("X-Amz-Invocation-Type", Pick(["Event", "DryRun", "RequestResponse", "Bogus"]));
        if (Chance(4)) request.Headers.TryAddWithoutValidation("X-Amz-Log-Type", Pick(["Tail", "None", "x"]));
        if (Chance(4)) request.Headers.TryAddWithoutValidation("X-Amz-Client-Context", Pick(["e30=", "!!!", "", new string('A', 5000)]));
        if (Chance(6)) request.Headers.TryAddWithoutValidation("Authorization", Pick(["Basic Og==", "Bearer x.y.z", "AWS4-HMAC-SHA256 Credential=/,", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + Pick(Names)))]));
        return request;
    }

    // Valid bodies now and then, so that things do get created (and the consistency check has something to read).
    private static readonly string[] ValidBodies =
    [
        """{"repositoryName":"team/app"}""", """{"logGroupName":"/aws/lambda/fn"}""", """{"logGroupName":"/aws/lambda/fn","logStreamName":"s"}""",
        """{"logGroupName":"/aws/lambda/fn","logStreamName":"s","logEvents":[{"timestamp":1700000000000,"message":"m"}]}""",
        """{"FunctionName":"fn","PackageType":"Image","Code":{"ImageUri":"127.0.0.1:1/team/app:v1"},"Role":"arn:aws:iam::123456789012:role/r"}""",
    ];

    private byte[] Body() => _random.Next(5) switch
    {
        0 => [],
        1 => RandomBytes(_random.Next(0, 2048)),
        2 => Encoding.UTF8.GetBytes(Pick(ValidBodies)),
        _ => Encoding.UTF8.GetBytes(Json(0)),
    };

    private string Json(int depth)
    {
        if (depth > 3 || Chance(3) && depth > 0) return Scalar();
        if (Chance(5)) return "[" + string.Join(",", Enumerable.Range(0, _random.Next(0, 4)).Select(_ => Json(depth + 1))) + "]";
        var members = Enumerable.Range(0, _random.Next(0, 6)).Select(_ => $"\"{Pick(Fields)}\":{Json(depth + 1)}");
        var text = "{" + string.Join(",", members) + "}";
        return Chance(10) ? text[.._random.Next(0, text.Length + 1)] : text; // truncated now and then
    }

    private string Scalar() => _random.Next(8) switch
    {
        0 => "null",
        1 => Pick(["true", "false"]),
        2 => Pick(["0", "-1", "128", "10240", "99999999999999999999", "1e308", "-0.5", "3"]),
        3 => "\"" + Pick(Names).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        4 => "\"127.0.0.1:1/" + Pick(Names) + ":" + Pick(["v1", "latest", "", "@" + Pick(Digests)]) + "\"",
        5 => "\"" + Pick(Digests) + "\"",
        6 => "\"" + new string('x', _random.Next(0, 70000)) + "\"",
        _ => _random.Next().ToString(CultureInfo.InvariantCulture),
    };

    private byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        _random.NextBytes(b);
        return b;
    }

    private bool Chance(int oneIn) => _random.Next(oneIn) == 0;

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
