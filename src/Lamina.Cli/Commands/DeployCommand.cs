using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;
using Lamina.Cli.Deploy;

namespace Lamina.Cli.Commands;

/// <summary>
/// <c>lamina deploy NAME</c>: build and push an image (or take <c>--image</c>), create the function or update its
/// code and settings, and wait until it is Active; prints the ARN, the image digest and each step's time.
/// </summary>
internal static class DeployCommand
{
    /// <summary>The execution role recorded when none is given (Lamina does not enforce IAM).</summary>
    public const string DefaultRole = "arn:aws:iam::000000000000:role/lamina-function";

    public static Command Create()
    {
        var options = new ClientOptions();
        var name = new Argument<string>("NAME") { Description = "Function name." };
        var context = new Argument<string?>("CONTEXT") { Description = "Build context directory. Default '.'.", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file", "-f") { Description = "Dockerfile path. Default CONTEXT/Dockerfile." };
        var image = new Option<string?>("--image") { Description = "Deploy this image (REPO:TAG in the server's registry, or HOST/REPO:TAG) instead of building." };
        var memory = new Option<int?>("--memory") { Description = "Memory in MB (128–10240)." };
        var timeout = new Option<int?>("--timeout") { Description = "Timeout in seconds (1–900)." };
        var env = new Option<string[]>("--env", "-e") { Description = "K=V environment variable; repeatable. Replaces the function's variables.", AllowMultipleArgumentsPerToken = false };
        var role = new Option<string?>("--role") { Description = "Execution role ARN recorded on a new function." };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "KEY=VALUE for a Dockerfile ARG (as lamina build); repeatable.", AllowMultipleArgumentsPerToken = false };
        var cache = new Option<string?>("--cache-dir") { Description = "Build cache directory. Default $XDG_CACHE_HOME/lamina/build." };
        var command = options.AddTo(new Command("deploy",
            "Build and push an image (or use --image), create or update the function, and wait until it is Active.")
            { name, context, file, image, memory, timeout, env, role, buildArgs, cache });

        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var function = parse.GetValue(name)!;
            var settings = FunctionSettings(parse.GetValue(memory), parse.GetValue(timeout), parse.GetValue(env) ?? []);
            var steps = new List<(string Step, TimeSpan Took)>();
            var clock = Stopwatch.StartNew();

            string imageUri;
            if (parse.GetValue(image) is { } given)
            {
                if (parse.GetValue(context) is not null || parse.GetValue(file) is not null || parse.GetValue(buildArgs) is { Length: > 0 })
                    throw CliException.Usage("--image deploys an existing image; leave out CONTEXT, --file and --build-arg.");
                imageUri = Qualify(given, client.Settings);
            }
            else
            {
                var contextDir = parse.GetValue(context) ?? ".";
                imageUri = await DeployBuild.BuildAndPushAsync(function, contextDir, parse.GetValue(file), BuildCommand.ParseBuildArgs(parse.GetValue(buildArgs)),
                    parse.GetValue(cache), client.Settings, json, ct);
                steps.Add(("build+push", clock.Elapsed));
                clock.Restart();
            }

            using var existing = await client.LambdaAsync(new HttpRequestMessage(HttpMethod.Get, FunctionsCommand.FunctionPath(function)), ct);
            var created = existing.StatusCode == HttpStatusCode.NotFound;
            if (created)
            {
                var body = new JsonObject
                {
                    ["FunctionName"] = function, ["PackageType"] = "Image", ["Code"] = new JsonObject { ["ImageUri"] = imageUri },
                    ["Role"] = parse.GetValue(role) ?? DefaultRole,
                };
                foreach (var (k, v) in settings) body[k] = v?.DeepClone();
                await CallAsync(client, HttpMethod.Post, "/2015-03-31/functions", body, ct);
                steps.Add(("create", clock.Elapsed));
            }
            else
            {
                await client.ReadJsonOrThrowAsync(existing, ct);
                await CallAsync(client, HttpMethod.Put, FunctionsCommand.FunctionPath(function, "/code"), new JsonObject { ["ImageUri"] = imageUri }, ct);
                steps.Add(("update code", clock.Elapsed));
                if (settings.Count > 0)
                {
                    clock.Restart();
                    await FunctionWaiter.WaitAsync(client, function, ct);
                    await CallAsync(client, HttpMethod.Put, FunctionsCommand.FunctionPath(function, "/configuration"), settings, ct);
                    steps.Add(("update configuration", clock.Elapsed));
                }
            }
            clock.Restart();
            var ready = await FunctionWaiter.WaitAsync(client, function, ct);
            steps.Add(("wait Active", clock.Elapsed));
            var pull = await ImagePull.GetAsync(client, function, ct);

            var config = ready.GetProperty("Configuration");
            var code = ready.TryGetProperty("Code", out var c) ? c : default;
            var digest = Output.Str(code, "ResolvedImageUri") is { Length: > 0 } resolved && resolved.Contains('@', StringComparison.Ordinal)
                ? resolved[(resolved.IndexOf('@', StringComparison.Ordinal) + 1)..] : "sha256:" + Output.Str(config, "CodeSha256");
            if (json)
            {
                var timings = new JsonObject();
                foreach (var (step, took) in steps) timings[step] = Math.Round(took.TotalMilliseconds, 1);
                Output.Json(new JsonObject
                {
                    ["functionArn"] = Output.Str(config, "FunctionArn"), ["created"] = created, ["imageUri"] = imageUri, ["imageDigest"] = digest,
                    ["memorySize"] = JsonNode.Parse(Output.Str(config, "MemorySize") is { Length: > 0 } m ? m : "null"),
                    ["timeout"] = JsonNode.Parse(Output.Str(config, "Timeout") is { Length: > 0 } t ? t : "null"),
                    ["stepsMs"] = timings,
                    ["imagePull"] = pull is null ? null : new JsonObject
                    {
                        ["layers"] = pull.LayersTotal, ["bytes"] = pull.BytesTotal, ["seconds"] = pull.Seconds,
                    },
                });
            }
            else
            {
                Console.WriteLine($"{(created ? "Created" : "Updated")} {Output.Str(config, "FunctionArn")}");
                Console.WriteLine($"  image   {imageUri}");
                Console.WriteLine($"  digest  {digest}");
                Console.WriteLine($"  memory  {Output.Str(config, "MemorySize")} MB, timeout {Output.Str(config, "Timeout")} s");
                if (pull is not null) Console.WriteLine($"  {pull.Describe()}");
                foreach (var (step, took) in steps) Console.WriteLine($"  {step,-21} {took.TotalSeconds:0.00} s");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The UpdateFunctionConfiguration / CreateFunction members for the given flags (empty when none).</summary>
    private static JsonObject FunctionSettings(int? memory, int? timeout, string[] env)
    {
        var settings = new JsonObject();
        if (memory is { } m) settings["MemorySize"] = m;
        if (timeout is { } t) settings["Timeout"] = t;
        if (env.Length > 0)
        {
            var variables = new JsonObject();
            foreach (var pair in env)
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                    throw CliException.Usage(pair.Contains("://", StringComparison.Ordinal)
                        // -e is --env here (as docker run -e), unlike the other client commands where it is --endpoint.
                        ? $"--env {pair}: in `lamina deploy`, -e is --env (KEY=VALUE, as in docker run); give the server's URL with --endpoint {pair}."
                        : $"--env {pair}: give KEY=VALUE.");
                variables[pair[..eq]] = pair[(eq + 1)..];
            }
            settings["Environment"] = new JsonObject { ["Variables"] = variables };
        }
        return settings;
    }

    /// <summary>REPO:TAG (no registry host) names an image in the server's own registry.</summary>
    public static string Qualify(string image, ConnectionSettings settings)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var first = slash > 0 ? image[..slash] : "";
        var hasHost = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost";
        return hasHost ? image : settings.Endpoint.Authority + "/" + image;
    }

    private static Task<JsonElement> CallAsync(LaminaClient client, HttpMethod method, string path, JsonObject body, CancellationToken ct) =>
        client.LambdaJsonAsync(method, path, body, ct);

}
