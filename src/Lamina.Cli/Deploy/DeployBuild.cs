using Lamina.Build;
using Lamina.Build.Output;
using Lamina.Cli.Client;
using Lamina.Cli.Commands;
using Lamina.Images.Registry;

namespace Lamina.Cli.Deploy;

/// <summary>The build and push half of <c>lamina deploy</c>: the same library path as <c>lamina build --push</c>.</summary>
internal static class DeployBuild
{
    /// <summary>
    /// Builds CONTEXT's Dockerfile and pushes it to the server as <c>NAME:deploy-HEX12</c>, the first 12 hex digits of the
    /// built manifest's digest: a new build gets a new tag (two deploys within one second no longer share a timestamp
    /// tag, where the second overwrote the first), and rebuilding the same content re-uses its tag. Returns that image URI.
    /// </summary>
    public static async Task<string> BuildAndPushAsync(string function, string contextDir, string? dockerfile, IReadOnlyDictionary<string, string> buildArgs, string? cacheDir,
        ConnectionSettings settings, bool quiet, CancellationToken ct)
    {
        if (!Directory.Exists(contextDir)) throw CliException.Usage($"build context '{contextDir}' is not a directory (or pass --image REPO:TAG to deploy an existing image).");
        dockerfile ??= Path.Combine(contextDir, "Dockerfile");
        if (!File.Exists(dockerfile)) throw CliException.Usage($"no Dockerfile at '{dockerfile}' (pass -f PATH, or --image REPO:TAG to deploy an existing image).");
        var repository = function.ToLowerInvariant();
        if (!Oci.RepositoryName.IsValid(repository)) throw CliException.Usage($"'{function}' does not make a valid repository name; pass --image instead.");
        var options = new BuildOptions
        {
            CacheDirectory = cacheDir ?? BuildCommand.DefaultCacheDirectory(),
            SourceDateEpoch = BuildOptions.SourceDateEpochFromEnvironment(),
            Registry = new RegistryClientOptions
            {
                Credentials = host => host == settings.Endpoint.Authority ? new RegistryCredentials(settings.AccessKeyId, settings.SecretAccessKey) : null,
            },
        };
        BuiltImage image;
        try
        {
            using var builder = new ImageBuilder(options);
            image = await builder.BuildAsync(new BuildRequest(contextDir, dockerfile) { BuildArgs = buildArgs }, new BuildCommand.BuildProgressPrinter(quiet), ct);
        }
        catch (BuildException e)
        {
            throw new CliException(ExitCodes.RemoteError, "build failed: " + e.Message);
        }
        var tag = ContentTag(image.ManifestDigest);
        await BuildCommand.BuildPush.PushAsync(image, new BuildCommand.BuildTarget(null, repository, tag), settings, ct);
        return $"{settings.Endpoint.Authority}/{repository}:{tag}";
    }

    /// <summary><c>deploy-</c> and the first 12 hex digits of the manifest digest (48 bits: collisions need ~16 million builds of one function).</summary>
    public static string ContentTag(Oci.Digest manifest) => "deploy-" + manifest.Encoded[..12];
}
