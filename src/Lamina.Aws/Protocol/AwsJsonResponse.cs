using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lamina.Aws.Protocol;

/// <summary>
/// What a JSON 1.1 operation answers: 200 with an output object, or an error that the dispatcher renders the
/// way AWS does (<c>{"__type": code, "message": text}</c> plus the <c>x-amzn-ErrorType</c> header).
/// </summary>
public sealed record AwsJsonResponse(int Status, byte[] Body, string? ErrorCode)
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static AwsJsonResponse Ok(JsonObject output) =>
        new(200, Encoding.UTF8.GetBytes(output.ToJsonString(Compact)), null);

    /// <summary>An error with AWS's code (e.g. RepositoryNotFoundException) and status (400 for client errors).</summary>
    public static AwsJsonResponse Error(string code, string message, int status = 400)
    {
        var body = new JsonObject { ["__type"] = code, ["message"] = message };
        return new(status, Encoding.UTF8.GetBytes(body.ToJsonString(Compact)), code);
    }
}
