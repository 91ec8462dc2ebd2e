using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;

namespace Lamina.Cli.Commands;

/// <summary><c>lamina images ls|inspect|rm</c> over the ECR JSON API.</summary>
internal static class ImagesCommand
{
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
    ];

    public static Command Create()
    {
        var command = new Command("images", "List, inspect and remove images in the server's registry.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Inspect());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command List()
    {
        var options = new ClientOptions();
        var repo = new Argument<string?>("REPO") { Description = "Only this repository.", Arity = ArgumentArity.ZeroOrOne };
        var command = options.AddTo(new Command("ls", "List repositories and their images: tags, digest, size, pushed.") { repo });
        command.Aliases.Add("list");
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var names = parse.GetValue(repo) is { } only ? [only] : await RepositoriesAsync(client, ct);
            var result = new JsonArray();
            var rows = new List<string[]>();
            foreach (var name in names)
            {
                var images = new JsonArray();
                string? next = null;
                do
                {
                    var request = new Dictionary<string, object> { ["repositoryName"] = name, ["maxResults"] = 100 };
                    if (next is not null) request["nextToken"] = next;
                    var page = await client.EcrAsync("DescribeImages", request, ct);
                    foreach (var d in page.GetProperty("imageDetails").EnumerateArray())
                    {
                        images.Add(JsonSerializer.SerializeToNode(d));
                        var tags = d.TryGetProperty("imageTags", out var t) ? string.Join(", ", t.EnumerateArray().Select(x => x.GetString())) : "<untagged>";
                        var size = d.TryGetProperty("imageSizeInBytes", out var s) ? Output.Bytes(s.GetInt64()) : "";
                        rows.Add([name, tags, Short(Output.Str(d, "imageDigest")), size, Pushed(d)]);
                    }
                    next = Output.Str(page, "nextToken") is { Length: > 0 } n ? n : null;
                } while (next is not null);
                result.Add(new JsonObject { ["repositoryName"] = name, ["images"] = images });
            }
            if (json) Output.Json(new JsonObject { ["repositories"] = result });
            else if (rows.Count == 0) Console.WriteLine("No images yet. Push one with `lamina push OCI-LAYOUT-DIR REPO:TAG` or `docker push`.");
            else Output.Table(["REPOSITORY", "TAGS", "DIGEST", "SIZE", "PUSHED"], rows);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<List<string>> RepositoriesAsync(LaminaClient client, CancellationToken ct)
    {
        var names = new List<string>();
        string? next = null;
        do
        {
            var request = new Dictionary<string, object> { ["maxResults"] = 100 };
            if (next is not null) request["nextToken"] = next;
            var page = await client.EcrAsync("DescribeRepositories", request, ct);
            names.AddRange(page.GetProperty("repositories").EnumerateArray().Select(r => Output.Str(r, "repositoryName")));
            next = Output.Str(page, "nextToken") is { Length: > 0 } n ? n : null;
        } while (next is not null);
        return names;
    }

    private static string Short(string digest) => digest.Length > 19 ? digest[..19] : digest;

    private static string Pushed(JsonElement detail) =>
        detail.TryGetProperty("imagePushedAt", out var p) && p.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(p.GetDouble() * 1000)).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : Output.Str(detail, "imagePushedAt");

    private static Command Inspect()
    {
        var options = new ClientOptions();
        var image = new Argument<string>("IMAGE") { Description = "REPO:TAG or REPO@sha256:…" };
        var command = options.AddTo(new Command("inspect", "Print an image's manifest and its layers with sizes.") { image });
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var reference = ImageRef.Parse(parse.GetValue(image)!);
            var answer = await client.EcrAsync("BatchGetImage", new Dictionary<string, object>
            {
                ["repositoryName"] = reference.Repository,
                ["imageIds"] = new[] { reference.ImageId() },
                ["acceptedMediaTypes"] = ManifestTypes,
            }, ct);
            var images = answer.GetProperty("images");
            if (images.GetArrayLength() == 0)
            {
                var why = answer.TryGetProperty("failures", out var f) && f.GetArrayLength() > 0
                    ? $"{Output.Str(f[0], "failureCode")}: {Output.Str(f[0], "failureReason")}" : "not found";
                throw new CliException(ExitCodes.RemoteError, $"image {reference} not found ({why}). `lamina images ls {reference.Repository}` lists what is there.", "ImageNotFoundException");
            }
            var found = images[0];
            var manifest = JsonNode.Parse(Output.Str(found, "imageManifest"));
            if (json)
            {
                Output.Json(new JsonObject
                {
                    ["repositoryName"] = reference.Repository,
                    ["imageId"] = JsonSerializer.SerializeToNode(found.GetProperty("imageId")),
                    ["imageManifestMediaType"] = Output.Str(found, "imageManifestMediaType"),
                    ["manifest"] = manifest,
                });
                return ExitCodes.Ok;
            }
            Console.WriteLine($"{reference}  {Output.Str(found.GetProperty("imageId"), "imageDigest")}");
            Console.WriteLine($"media type: {Output.Str(found, "imageManifestMediaType")}");
            var rows = new List<string[]>();
            if (manifest?["config"] is JsonObject config)
                rows.Add(["config", config["mediaType"]?.ToString() ?? "", config["digest"]?.ToString() ?? "", Output.Bytes(config["size"]?.GetValue<long>() ?? 0)]);
            var n = 0;
            foreach (var layer in manifest?["layers"]?.AsArray() ?? [])
                rows.Add([$"layer {++n}", layer?["mediaType"]?.ToString() ?? "", layer?["digest"]?.ToString() ?? "", Output.Bytes(layer?["size"]?.GetValue<long>() ?? 0)]);
            foreach (var m in manifest?["manifests"]?.AsArray() ?? [])
                rows.Add([$"platform {m?["platform"]?["os"]}/{m?["platform"]?["architecture"]}", m?["mediaType"]?.ToString() ?? "", m?["digest"]?.ToString() ?? "", Output.Bytes(m?["size"]?.GetValue<long>() ?? 0)]);
            Output.Table(["PART", "MEDIA TYPE", "DIGEST", "SIZE"], rows);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove()
    {
        var options = new ClientOptions();
        var image = new Argument<string>("IMAGE") { Description = "REPO:TAG or REPO@sha256:…" };
        var command = options.AddTo(new Command("rm", "Remove an image tag (or a manifest by digest) from the registry.") { image });
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var reference = ImageRef.Parse(parse.GetValue(image)!);
            var answer = await client.EcrAsync("BatchDeleteImage", new Dictionary<string, object>
            {
                ["repositoryName"] = reference.Repository,
                ["imageIds"] = new[] { reference.ImageId() },
            }, ct);
            if (answer.TryGetProperty("failures", out var f) && f.GetArrayLength() > 0)
                throw new CliException(ExitCodes.RemoteError, $"cannot remove {reference}: {Output.Str(f[0], "failureCode")}: {Output.Str(f[0], "failureReason")}", Output.Str(f[0], "failureCode"));
            if (json) Output.Json(new JsonObject { ["deleted"] = JsonSerializer.SerializeToNode(answer.GetProperty("imageIds")) });
            else Console.WriteLine($"Removed {reference}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
