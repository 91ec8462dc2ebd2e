using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Lamina.Aws.Protocol;

/// <summary>An authenticated JSON 1.1 call: the operation name (after the target prefix) and its input object.</summary>
public sealed record AwsJsonRequest(string Operation, JsonObject Input, string AccessKeyId, HttpContext Http);
