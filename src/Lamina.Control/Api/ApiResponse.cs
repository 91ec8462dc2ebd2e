using System.Text.Json.Nodes;
using Lamina.Control.Domain;

namespace Lamina.Control.Api;

/// <summary>What a handler answers: a status with a JSON body or raw bytes and extra headers, or an error.</summary>
public sealed record ApiResponse(int Status, JsonNode? Json = null, ReadOnlyMemory<byte>? Raw = null, LambdaError? Error = null)
{
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A body written while it is produced (response streaming). Called after <see cref="Status"/> and
    /// <see cref="Headers"/> are set but before anything is sent; an error it returns while the response has not
    /// started is rendered as a normal error instead (after it started, the writer reports errors in its own body).
    /// </summary>
    public Func<Microsoft.AspNetCore.Http.HttpContext, Task<LambdaError?>>? Writer { get; init; }

    public static ApiResponse Ok(JsonNode json, int status = 200) => new(status, json);

    public static ApiResponse NoContent() => new(204);

    public static implicit operator ApiResponse(LambdaError error) => new(0, Error: error);
}
