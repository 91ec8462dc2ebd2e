using System.CommandLine;
using Lamina.Build;
using Lamina.Build.Output;
using Lamina.Cli.Client;
using Lamina.Images.Registry;

namespace Lamina.Cli.Commands;

/// <summary>
/// <c>lamina build [-f Dockerfile] [-t REPO:TAG] [--build-arg K=V] [--target S] [--output type=oci,dest=P] [--push] CONTEXT</c>:
/// builds an image from a Dockerfile without a Docker engine (src/Lamina.Build, docs/build.md), printing one line
/// per step (CACHED like docker), and writes it as an OCI layout / archive or pushes it to Lamina's registry.
/// </summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var client = new ClientOptions();
        var context = new Argument<string>("CONTEXT") { Description = "Build context directory." };
        var file = new Option<string?>("--file", "-f") { Description = "Dockerfile path. Default CONTEXT/Dockerfile." };
        var tag = new Option<string?>("--tag", "-t") { Description = "Image name: REPO:TAG (the server's registry) or HOST:PORT/REPO:TAG." };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "KEY=VALUE for an ARG; repeatable.", AllowMultipleArgumentsPerToken = false };
        var target = new Option<string?>("--target") { Description = "Build this stage (name or index) instead of the last." };
        var output = new Option<string?>("--output") { Description = "type=oci,dest=PATH[,tar=false]: an OCI archive (default) or layout directory." };
        var push = new Option<bool>("--push") { Description = "Push the image named by --tag to the registry." };
        var cache = new Option<string?>("--cache-dir") { Description = "Build cache directory. Default $XDG_CACHE_HOME/lamina/build." };
        var noCache = new Option<bool>("--no-cache") { Description = "Rebuild every layer." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only warnings, errors and the result." };
        // Not client.AddTo: its --output (table|json) would clash with docker's --output destination.
        var command = new Command("build", "Build an image from a Dockerfile without a Docker engine (RUN steps run in runc; needs root).")
        {
            context, file, tag, buildArgs, target, output, push, cache, noCache, quiet,
            client.Endpoint, client.AccessKey, client.SecretKey, client.DataDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var contextDir = parse.GetValue(context)!;
                if (!Directory.Exists(contextDir)) throw CliException.Usage($"build context '{contextDir}' is not a directory.");
                var dockerfile = parse.GetValue(file) ?? Path.Combine(contextDir, "Dockerfile");
                // A usage mistake (wrong directory, or the file has another name): exit 2 before any work, as deploy does.
                if (!File.Exists(dockerfile))
                {
                    throw CliException.Usage(parse.GetValue(file) is null
                        ? $"no Dockerfile in '{contextDir}'. Give the directory that holds it, or name the file with -f PATH."
                        : $"Dockerfile '{dockerfile}' does not exist.");
                }
                var name = parse.GetValue(tag) is { } t ? BuildTarget.Parse(t) : null;
                var destination = parse.GetValue(output) is { } o ? OutputSpec.Parse(o) : null;
                if (parse.GetValue(push) && name is null) throw CliException.Usage("--push needs --tag REPO:TAG to name the image.");
                var args = ParseBuildArgs(parse.GetValue(buildArgs));
                ConnectionSettings? settings = null;
                try { settings = ConnectionSettings.Resolve(parse, client); }
                catch (CliException) when (!parse.GetValue(push)) { } // pulls from public registries need no keys
                var options = new BuildOptions
                {
                    CacheDirectory = parse.GetValue(cache) ?? DefaultCacheDirectory(),
                    NoCache = parse.GetValue(noCache),
                    SourceDateEpoch = BuildOptions.SourceDateEpochFromEnvironment(),
                    // Lamina's access keys answer the token realm of Lamina's registry; other registries get no credentials.
                    Registry = new RegistryClientOptions
                    {
                        Credentials = host => settings is not null && host == settings.Endpoint.Authority
                            ? new RegistryCredentials(settings.AccessKeyId, settings.SecretAccessKey) : null,
                    },
                };
                var progress = new BuildProgressPrinter(parse.GetValue(quiet));
                BuiltImage image;
                using (var builder = new ImageBuilder(options))
                {
                    image = await builder.BuildAsync(new BuildRequest(contextDir, dockerfile) { BuildArgs = args, Target = parse.GetValue(target) }, progress, ct);
                }
                Console.WriteLine($"Built {image.ManifestDigest} ({image.Layers.Count} layers)");
                if (destination is not null)
                {
                    if (destination.Tar) OciLayoutWriter.WriteArchive(image, destination.Path, name?.Tag);
                    else OciLayoutWriter.WriteDirectory(image, destination.Path, name?.Tag);
                    Console.WriteLine($"Wrote OCI {(destination.Tar ? "archive" : "layout")} {destination.Path}");
                }
                if (parse.GetValue(push))
                {
                    var uri = await BuildPush.PushAsync(image, name!, settings!, ct);
                    Console.WriteLine($"Pushed {uri}");
                }
                return ExitCodes.Ok;
            }
            catch (BuildException e)
            {
                // A build failure is the user's input (or their RUN command) failing: exit 1, like docker build.
                return CommandRunner.Fail(new CliException(ExitCodes.RemoteError, e.Message), json: false);
            }
            catch (CliException e)
            {
                return CommandRunner.Fail(e, json: false);
            }
        });
        return command;
    }

    /// <summary>--build-arg values: KEY=VALUE, or KEY alone to take the value from the environment (as Docker does).</summary>
    internal static Dictionary<string, string> ParseBuildArgs(string[]? values)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in values ?? [])
        {
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) args[a] = Environment.GetEnvironmentVariable(a) ?? throw CliException.Usage($"--build-arg {a}: no value given and ${a} is not set.");
            else args[a[..eq]] = a[(eq + 1)..];
        }
        return args;
    }

    internal static string DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "lamina", "build");
    }

    /// <summary>-t value: [HOST[:PORT]/]REPO[:TAG]; without a host the image goes to the server's registry (--endpoint).</summary>
    internal sealed record BuildTarget(string? Host, string Repository, string Tag)
    {
        public static BuildTarget Parse(string text)
        {
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            string? host = null;
            var rest = text;
            if (slash > 0 && (text[..slash].Contains('.', StringComparison.Ordinal) || text[..slash].Contains(':', StringComparison.Ordinal) || text[..slash] == "localhost"))
                (host, rest) = (text[..slash], text[(slash + 1)..]);
            var r = ImageRef.Parse(rest);
            if (r.Digest is not null) throw CliException.Usage($"--tag {text}: give a tag, not a digest.");
            if (!Oci.RepositoryName.IsValid(r.Repository)) throw CliException.Usage($"--tag {text}: '{r.Repository}' is not a valid repository name.");
            return new BuildTarget(host, r.Repository, r.Tag!);
        }
    }

    /// <summary>--output type=oci,dest=PATH[,tar=true|false].</summary>
    private sealed record OutputSpec(string Path, bool Tar)
    {
        public static OutputSpec Parse(string text)
        {
            var fields = text.Split(',').Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f.Length > 1 ? f[1] : "", StringComparer.Ordinal);
            if (fields.GetValueOrDefault("type", "oci") is not ("oci" or "oci-layout"))
                throw CliException.Usage($"--output {text}: only type=oci is supported (push with --push).");
            if (!fields.TryGetValue("dest", out var dest) || dest.Length == 0) throw CliException.Usage($"--output {text}: dest=PATH is required.");
            var tar = fields.GetValueOrDefault("tar", "true") switch
            {
                "true" => true,
                "false" => false,
                var v => throw CliException.Usage($"--output {text}: tar={v} must be true or false."),
            };
            return new OutputSpec(dest, tar);
        }
    }

    /// <summary>
    /// One line per step, docker style: "#3 [3/6] COPY app /var/task/", "#3 CACHED", RUN output indented,
    /// "#3 DONE 0.4s". Colour and bold on a terminal (Spectre.Console), plain text otherwise.
    /// </summary>
    internal sealed class BuildProgressPrinter(bool quiet) : IProgress<BuildEvent>
    {
        private readonly bool _ansi = !Console.IsOutputRedirected;

        public void Report(BuildEvent e)
        {
            if (quiet && e.Kind != BuildEventKind.Warning) return;
            var prefix = $"#{e.Step}";
            switch (e.Kind)
            {
                case BuildEventKind.Step: Write($"{prefix} [{e.Step}/{e.Total}] {e.Text}", "bold"); break;
                case BuildEventKind.Cached: Write($"{prefix} CACHED", "green"); break;
                case BuildEventKind.Output: Write($"{prefix}   {e.Text}", "grey"); break;
                case BuildEventKind.Done: Write($"{prefix} DONE {e.Elapsed.TotalSeconds:0.0}s", "blue"); break;
                case BuildEventKind.Warning: Write($"WARNING: {e.Text}", "yellow"); break;
            }
        }

        private void Write(string text, string style)
        {
            if (_ansi) Spectre.Console.AnsiConsole.MarkupLine($"[{style}]{Spectre.Console.Markup.Escape(text)}[/]");
            else Console.WriteLine(text);
        }
    }

    /// <summary>Pushes a built image's blobs (skipping those the registry has) and its manifest under the tag.</summary>
    internal static class BuildPush
    {
        public static async Task<string> PushAsync(BuiltImage image, BuildTarget target, ConnectionSettings settings, CancellationToken ct)
        {
            var endpoint = target.Host is null ? settings.Endpoint
                : new Uri((IsLoopback(target.Host) || target.Host == settings.Endpoint.Authority ? settings.Endpoint.Scheme : "https") + "://" + target.Host);
            var pushSettings = settings with { Endpoint = endpoint };
            using var http = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromHours(1) };
            System.Net.Http.Headers.AuthenticationHeaderValue? auth;
            try { auth = await Push.RegistryAuth.AuthorizeAsync(http, pushSettings, target.Repository, ct); }
            catch (HttpRequestException e) { throw LaminaClient.Unreachable(endpoint, e); }
            var pusher = new Push.RegistryPusher(http, pushSettings, target.Repository, auth);
            var blobs = image.Layers.Append(new Oci.Descriptor(Oci.MediaTypes.OciConfig, image.ConfigDigest, image.Config.Length));
            int uploaded = 0, skipped = 0;
            foreach (var d in blobs)
            {
                var blob = new Push.BlobRef(d.MediaType, d.Digest.ToString(), d.Size);
                if (await pusher.ExistsAsync(blob, ct)) { skipped++; continue; }
                await pusher.UploadAsync(blob, image.Blobs.PathOf(d.Digest), _ => { }, ct);
                uploaded++;
            }
            await pusher.PutManifestAsync(target.Tag, new Push.BlobRef(Oci.MediaTypes.OciManifest, image.ManifestDigest.ToString(), image.Manifest.Length), image.Manifest, ct);
            return $"{endpoint.Authority}/{target.Repository}:{target.Tag}@{image.ManifestDigest} ({uploaded} blobs uploaded, {skipped} already there)";
        }

        private static bool IsLoopback(string host) => host.StartsWith("127.", StringComparison.Ordinal) || host.StartsWith("localhost", StringComparison.Ordinal) || host.StartsWith("[::1]", StringComparison.Ordinal);
    }
}
