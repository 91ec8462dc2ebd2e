using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lamina.Cli.Client;
using Lamina.Cli.Push;
using Spectre.Console;

namespace Lamina.Cli.Commands;

/// <summary><c>lamina push OCI-LAYOUT-DIR[:tag] REPO:TAG</c>: uploads an OCI image layout to the server's registry.</summary>
internal static class PushCommand
{
    public static Command Create()
    {
        var options = new ClientOptions();
        var source = new Argument<string>("SOURCE") { Description = "OCI image layout directory, optionally DIR:TAG to pick one of its images." };
        var target = new Argument<string>("TARGET") { Description = "Destination REPO:TAG in the server's registry." };
        var chunk = new Option<int>("--chunk-size-mb") { Description = "Blobs larger than this go in chunks of this many MiB. Default 16.", DefaultValueFactory = _ => 16 };
        var command = options.AddTo(new Command("push", "Push an OCI image layout (e.g. from `skopeo copy … oci:DIR:TAG`) to the server's registry.")
            { source, target, chunk });
        CommandRunner.SetClientAction(command, options, async (parse, client, json, ct) =>
        {
            var (dir, tag) = SplitSource(parse.GetValue(source)!);
            var destination = ImageRef.Parse(parse.GetValue(target)!);
            if (parse.GetValue(chunk) is var mb && mb <= 0) throw CliException.Usage("--chunk-size-mb must be positive.");
            var layout = new OciLayout(dir);
            var top = layout.SelectManifest(tag);
            var manifests = new List<BlobRef>();
            List<BlobRef> blobs;
            try
            {
                blobs = layout.BlobsOf(top, manifests).DistinctBy(b => b.Digest).ToList();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw CliException.Usage($"{dir} has a malformed manifest: {e.Message}");
            }
            var paths = blobs.ToDictionary(b => b.Digest, layout.BlobPath);

            using var http = new HttpClient { BaseAddress = client.Settings.Endpoint, Timeout = TimeSpan.FromHours(1) };
            AuthenticationHeader auth;
            try
            {
                auth = new(await RegistryAuth.AuthorizeAsync(http, client.Settings, destination.Repository, ct));
            }
            catch (HttpRequestException e)
            {
                throw LaminaClient.Unreachable(client.Settings.Endpoint, e);
            }
            var pusher = new RegistryPusher(http, client.Settings, destination.Repository, auth.Value) { ChunkSize = mb * 1024L * 1024 };
            var skipped = new List<string>();

            async Task PushBlobsAsync(Func<BlobRef, Action<long>> progressFor)
            {
                foreach (var blob in blobs)
                {
                    if (await pusher.ExistsAsync(blob, ct)) { skipped.Add(blob.Digest); progressFor(blob)(blob.Size); continue; }
                    await pusher.UploadAsync(blob, paths[blob.Digest], progressFor(blob), ct);
                }
            }

            if (json || Console.IsOutputRedirected) await PushBlobsAsync(_ => _ => { });
            else
            {
                await AnsiConsole.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                    .StartAsync(async ctx =>
                    {
                        var tasks = blobs.ToDictionary(b => b.Digest, b => ctx.AddTask(Markup.Escape(b.Digest[..Math.Min(19, b.Digest.Length)]), maxValue: Math.Max(1, b.Size)));
                        // Draw the rows at once: a push shorter than Spectre's refresh period would otherwise show
                        // only its final frame, and the user nothing while the first blob is being checked.
                        ctx.Refresh();
                        await PushBlobsAsync(b => sent => tasks[b.Digest].Value = sent);
                    });
            }
            // Children of an index go by digest, the chosen manifest by the requested tag.
            foreach (var m in manifests)
                await pusher.PutManifestAsync(m == top ? destination.Tag ?? m.Digest : m.Digest, m, await File.ReadAllBytesAsync(layout.BlobPath(m), ct), ct);

            var uri = $"{client.Settings.Endpoint.Authority}/{destination.Repository}:{destination.Tag}@{top.Digest}";
            if (json)
            {
                Output.Json(new JsonObject
                {
                    ["repository"] = destination.Repository, ["tag"] = destination.Tag, ["digest"] = top.Digest,
                    ["imageUri"] = $"{client.Settings.Endpoint.Authority}/{destination.Repository}:{destination.Tag}",
                    ["blobsUploaded"] = blobs.Count - skipped.Count, ["blobsSkipped"] = skipped.Count,
                    ["bytes"] = blobs.Sum(b => b.Size),
                });
            }
            else
            {
                Console.WriteLine($"Pushed {uri} ({blobs.Count - skipped.Count} blobs uploaded, {skipped.Count} already there, {Output.Bytes(blobs.Sum(b => b.Size))}).");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>DIR or DIR:TAG; an existing directory whose name has a colon wins over the split.</summary>
    internal static (string Dir, string? Tag) SplitSource(string text)
    {
        if (Directory.Exists(text)) return (text, null);
        var colon = text.LastIndexOf(':');
        if (colon > 0 && Directory.Exists(text[..colon])) return (text[..colon], text[(colon + 1)..]);
        throw CliException.Usage($"'{text}' is not a directory. Give an OCI image layout directory (DIR or DIR:TAG), e.g. from `skopeo copy docker://IMAGE oci:DIR:TAG`.");
    }

    private sealed record AuthenticationHeader(System.Net.Http.Headers.AuthenticationHeaderValue? Value);
}
