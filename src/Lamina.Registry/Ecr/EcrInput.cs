using System.Text.Json.Nodes;
using Lamina.Aws.Protocol;
using Lamina.Oci;

namespace Lamina.Registry.Ecr;

/// <summary>
/// Reads and validates ECR operation inputs. Each reader returns the value or the InvalidParameterException
/// that ECR gives for it, so handlers stay linear: <c>var (name, error) = …; if (error is not null) return error;</c>
/// </summary>
internal static class EcrInput
{
    public static (string? Value, AwsJsonResponse? Error) RepositoryName(JsonObject input)
    {
        var (name, error) = OptionalString(input, "repositoryName");
        if (error is not null) return (null, error);
        if (name is null) return (null, EcrErrors.InvalidParameter("repositoryName is required"));
        if (name.Length < 2 || !Oci.RepositoryName.IsValid(name))
            return (null, EcrErrors.InvalidParameter(
                $"Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and be 2 to 256 characters long', got '{name}'"));
        return (name, null);
    }

    public static (string? Value, AwsJsonResponse? Error) OptionalString(JsonObject input, string name)
    {
        if (!input.TryGetPropertyValue(name, out var node) || node is null) return (null, null);
        return node is JsonValue v && v.TryGetValue<string>(out var s)
            ? (s, null)
            : (null, EcrErrors.InvalidParameter($"{name} must be a string"));
    }

    public static (bool Value, AwsJsonResponse? Error) OptionalBool(JsonObject input, string name)
    {
        if (!input.TryGetPropertyValue(name, out var node) || node is null) return (false, null);
        return node is JsonValue v && v.TryGetValue<bool>(out var b) ? (b, null) : (false, EcrErrors.InvalidParameter($"{name} must be a boolean"));
    }

    /// <summary>maxResults within ECR's 1–1000 (default <paramref name="fallback"/>).</summary>
    public static (int Value, AwsJsonResponse? Error) MaxResults(JsonObject input, int fallback = 100)
    {
        if (!input.TryGetPropertyValue("maxResults", out var node) || node is null) return (fallback, null);
        return node is JsonValue v && v.TryGetValue<int>(out var n) && n is >= 1 and <= 1000
            ? (n, null)
            : (0, EcrErrors.InvalidParameter("Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 1000'"));
    }

    public static (List<string>? Value, AwsJsonResponse? Error) OptionalStringList(JsonObject input, string name, int max = 100)
    {
        if (!input.TryGetPropertyValue(name, out var node) || node is null) return (null, null);
        if (node is not JsonArray array || array.Count > max)
            return (null, EcrErrors.InvalidParameter($"{name} must be a list of at most {max} strings"));
        var list = new List<string>();
        foreach (var item in array)
        {
            if (item is not JsonValue v || !v.TryGetValue<string>(out var s)) return (null, EcrErrors.InvalidParameter($"{name} must be a list of strings"));
            list.Add(s);
        }
        return (list, null);
    }

    /// <summary>imageIds: 1–100 {imageDigest?, imageTag?} objects, syntax not yet checked (failures are per item).</summary>
    public static (List<ImageId>? Value, AwsJsonResponse? Error) ImageIds(JsonObject input, bool required)
    {
        if (!input.TryGetPropertyValue("imageIds", out var node) || node is null)
            return required ? (null, EcrErrors.InvalidParameter("imageIds is required")) : (null, null);
        if (node is not JsonArray array || array.Count is 0 or > 100)
            return (null, EcrErrors.InvalidParameter("Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length between 1 and 100'"));
        var ids = new List<ImageId>();
        foreach (var item in array)
        {
            if (item is not JsonObject obj) return (null, EcrErrors.InvalidParameter("imageIds must hold objects"));
            var (digest, e1) = OptionalString(obj, "imageDigest");
            var (tag, e2) = OptionalString(obj, "imageTag");
            if ((e1 ?? e2) is { } e) return (null, e);
            ids.Add(new ImageId(digest, tag));
        }
        return (ids, null);
    }
}

/// <summary>An ECR image identifier as the client sent it.</summary>
internal sealed record ImageId(string? Digest, string? Tag)
{
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        if (Digest is not null) o["imageDigest"] = Digest;
        if (Tag is not null) o["imageTag"] = Tag;
        return o;
    }

    /// <summary>ECR's rendering in messages: {imageDigest:'…', imageTag:'…'}.</summary>
    public override string ToString() => $"{{imageDigest:'{Digest ?? "null"}', imageTag:'{Tag ?? "null"}'}}";

    /// <summary>The failure code when the id is malformed, else null.</summary>
    public (string Code, string Reason)? SyntaxFailure()
    {
        if (Digest is null && Tag is null) return ("MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null");
        if (Digest is not null && !Oci.Digest.TryParse(Digest, out _)) return ("InvalidImageDigest", "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'");
        if (Tag is not null && !Oci.RepositoryName.IsValidTag(Tag)) return ("InvalidImageTag", "Invalid request parameters: image tag should satisfy the regex '[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}'");
        return null;
    }
}
