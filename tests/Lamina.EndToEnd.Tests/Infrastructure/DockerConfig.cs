using System.Text;
using System.Text.Json.Nodes;
using Lamina.EndToEnd.Tests.Registries;

namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A private DOCKER_CONFIG directory: the .NET SDK and docker read registry credentials from
/// <c>config.json</c>'s <c>auths</c>, and the host's own config must never leak into a test.
/// </summary>
public static class DockerConfig
{
    /// <summary>Writes DIR/config.json with one auths entry when the registry needs credentials.</summary>
    public static string Write(string directory, IRegistryUnderTest registry)
    {
        Directory.CreateDirectory(directory);
        var auths = new JsonObject();
        if (registry.Credentials is { } c)
        {
            auths[registry.Host] = new JsonObject { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(c.UserName + ":" + c.Password)) };
        }
        File.WriteAllText(Path.Combine(directory, "config.json"), new JsonObject { ["auths"] = auths }.ToJsonString());
        return directory;
    }
}
