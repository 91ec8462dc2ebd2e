using System.Text.Json;
using Lamina.EndToEnd.Tests.Registries;

namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>The real skopeo, over plain HTTP to loopback registries.</summary>
public static class Skopeo
{
    /// <summary>
    /// <c>skopeo copy</c>; with <paramref name="preserveDigests"/> skopeo refuses to rewrite any
    /// manifest, so a registry that altered one fails the copy instead of passing silently. With
    /// <paramref name="debug"/> skopeo logs every request on stderr (which blobs it skipped, which it uploaded).
    /// </summary>
    public static async Task<ToolResult> CopyAsync(
        string source,
        string destination,
        RegistryCredentials? sourceCredentials = null,
        RegistryCredentials? destinationCredentials = null,
        bool all = false,
        bool preserveDigests = true,
        bool debug = false)
    {
        var arguments = new List<string> { "--insecure-policy" };
        if (debug) arguments.Add("--debug");
        arguments.AddRange(["copy", "--src-tls-verify=false", "--dest-tls-verify=false"]);
        if (all) arguments.Add("--all");
        if (preserveDigests) arguments.Add("--preserve-digests");
        if (sourceCredentials is not null) arguments.AddRange(["--src-creds", sourceCredentials.SkopeoForm]);
        if (destinationCredentials is not null) arguments.AddRange(["--dest-creds", destinationCredentials.SkopeoForm]);
        arguments.AddRange([source, destination]);
        return (await ToolRunner.RunAsync("skopeo", arguments)).EnsureSuccess();
    }

    /// <summary><c>skopeo inspect --raw</c>: the manifest bytes exactly as the registry serves them.</summary>
    public static async Task<string> InspectRawAsync(string reference, RegistryCredentials? credentials = null)
    {
        var arguments = new List<string> { "inspect", "--raw", "--tls-verify=false" };
        if (credentials is not null) arguments.AddRange(["--creds", credentials.SkopeoForm]);
        arguments.Add(reference);
        return (await ToolRunner.RunAsync("skopeo", arguments)).EnsureSuccess().StandardOutput;
    }

    /// <summary><c>skopeo inspect</c>'s digest: skopeo hashes the manifest bytes it fetched.</summary>
    public static async Task<string> InspectDigestAsync(string reference, RegistryCredentials? credentials = null)
    {
        var arguments = new List<string> { "inspect", "--tls-verify=false" };
        if (credentials is not null) arguments.AddRange(["--creds", credentials.SkopeoForm]);
        arguments.Add(reference);
        var output = (await ToolRunner.RunAsync("skopeo", arguments)).EnsureSuccess().StandardOutput;
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("Digest").GetString()!;
    }

    public static string Docker(IRegistryUnderTest registry, string repositoryAndTag) => $"docker://{registry.Host}/{repositoryAndTag}";
}
