using System.CommandLine;
using Lamina.Cli.Client;
using Lamina.Runtimes;

namespace Lamina.Cli.Commands;

/// <summary>
/// <c>lamina runtimes build|publish</c>: Lamina's base images (provided, python:3.11, nodejs:MAJOR, dotnet:10) as an
/// OCI image layout, and pushed to a Lamina registry as lamina/NAME:TAG with the code of <c>lamina push</c>.
/// </summary>
internal static class RuntimesCommand
{
    public static Command Create()
    {
        var command = new Command("runtimes", "Build and publish Lamina's base images (docs/runtimes.md).");
        command.Subcommands.Add(Build());
        command.Subcommands.Add(Publish());
        return command;
    }

    /// <summary>The build options; <paramref name="outputName"/> is --output for build, --layout for publish (where --output is the format).</summary>
    private sealed class BuildOptions(string outputName)
    {
        public Option<string> Output { get; } = new(outputName) { Description = "OCI image layout directory to write. Default ./lamina-runtimes.", DefaultValueFactory = _ => "lamina-runtimes" };
        public Option<string?> Agent { get; } = new("--agent") { Description = "The lamina-init binary to bake in (NativeAOT). Default: where `lamina run` and the server find it ($LAMINA_INIT_BINARY, beside this program, or artifacts/lamina-init as ./lamina publishes it)." };
        public Option<string?> Cache { get; } = new("--cache-dir") { Description = $"Cache of built Debian layers. Default {RuntimeBuildOptions.DefaultCacheDirectory}." };
        public Option<string[]> Images { get; } = new("--image") { Description = "Only these images (provided, python, nodejs, dotnet); repeatable. Default all.", AllowMultipleArgumentsPerToken = true };

        public Command AddTo(Command command)
        {
            command.Options.Add(Output);
            command.Options.Add(Agent);
            command.Options.Add(Cache);
            command.Options.Add(Images);
            return command;
        }

        public async Task<IReadOnlyList<BuiltImage>> BuildAsync(ParseResult parse, bool quiet, CancellationToken ct)
        {
            var agent = parse.GetValue(Agent) ?? Run.AgentBinaryLocator.Find(null).Path ?? Path.Combine(AppContext.BaseDirectory, "lamina-init");
            if (!File.Exists(agent))
                throw CliException.Usage($"the lamina-init binary {agent} does not exist: give --agent PATH (build it with `dotnet publish src/Lamina.Agent -c Release -r linux-x64 -o DIR`).");
            List<RuntimeImage> images = [];
            foreach (var name in parse.GetValue(Images) ?? [])
                images.Add(RuntimeCatalog.Find(name) ?? throw CliException.Usage($"unknown image '{name}': choose from {string.Join(", ", RuntimeCatalog.All.Select(i => i.Name))}."));
            var output = Path.GetFullPath(parse.GetValue(Output)!);
            if (File.Exists(output)) throw CliException.Usage($"{output} is a file, not a directory.");
            try
            {
                return await RuntimeBuilder.BuildAsync(new RuntimeBuildOptions
                {
                    OutputDirectory = output,
                    AgentBinary = agent,
                    CacheDirectory = parse.GetValue(Cache) ?? RuntimeBuildOptions.DefaultCacheDirectory,
                    Images = images.Count > 0 ? images.DistinctBy(i => i.Name).ToList() : RuntimeCatalog.All,
                    Log = quiet ? null : line => Console.Error.WriteLine("lamina: " + line),
                }, ct);
            }
            catch (RuntimeBuildException e)
            {
                throw new CliException(ExitCodes.RemoteError, "building the runtime images failed: " + e.Message);
            }
        }
    }

    private static Command Build()
    {
        var options = new BuildOptions("--output");
        var command = options.AddTo(new Command("build", "Build the base images into an OCI image layout (Debian layers are cached)."));
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var built = await options.BuildAsync(parse, quiet: false, ct);
                foreach (var image in built)
                    Console.WriteLine($"{image.Reference}\t{image.ManifestDigest}\t{parse.GetValue(options.Output)}:{image.RefName}");
                return ExitCodes.Ok;
            }
            catch (CliException e)
            {
                return CommandRunner.Fail(e, json: false);
            }
        });
        return command;
    }

    private static Command Publish()
    {
        var build = new BuildOptions("--layout");
        var client = new ClientOptions();
        var command = client.AddTo(build.AddTo(new Command("publish", "Build the base images and push them to a Lamina registry as lamina/NAME:TAG.")));
        command.SetAction(async (parse, ct) =>
        {
            var json = client.Json(parse);
            try
            {
                var built = await build.BuildAsync(parse, quiet: json, ct);
                var layout = Path.GetFullPath(parse.GetValue(build.Output)!);
                foreach (var image in built)
                {
                    // The push command itself, so publish shares its auth, chunking, skip-existing and output.
                    List<string> args = ["push", $"{layout}:{image.RefName}", image.Reference];
                    foreach (var option in new[] { client.Endpoint, client.AccessKey, client.SecretKey, client.DataDir })
                        if (parse.GetValue(option) is { } value) args.AddRange([option.Name, value]);
                    args.AddRange(["--output", parse.GetValue(client.Output)!]);
                    var code = await LaminaCommandLine.Build().Parse(args).InvokeAsync(cancellationToken: ct);
                    if (code != ExitCodes.Ok) return code;
                }
                return ExitCodes.Ok;
            }
            catch (CliException e)
            {
                return CommandRunner.Fail(e, json);
            }
        });
        return command;
    }
}
