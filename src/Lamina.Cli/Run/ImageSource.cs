using System.Text.Json;
using Lamina.Cli.Push;
using Lamina.Images;
using Lamina.Images.Registry;
using Spectre.Console;

namespace Lamina.Cli.Run;

/// <summary>
/// Turns <c>lamina run</c>'s IMAGE argument into a pulled image in the local image store: a registry
/// reference (Lamina's registry or any v2 registry) or an OCI layout <c>oci:DIR[:TAG]</c>. Both go through
/// <see cref="ImageStore"/>, so every digest and diff_id is verified and layers are unpacked once into snapshots.
/// </summary>
internal static class ImageSource
{
    public const string LayoutPrefix = "oci:";

    /// <summary>Pulls the image, with progress bars on an interactive terminal. Failures are <see cref="CliException"/>s.</summary>
    public static async Task<PulledImage> PullAsync(string image, string cacheDir, RegistryCredentials? credentials, CancellationToken ct)
    {
        string reference;
        HttpMessageHandler? handler = null;
        if (image.StartsWith(LayoutPrefix, StringComparison.Ordinal))
        {
            (reference, handler) = Layout(image[LayoutPrefix.Length..]);
        }
        else
        {
            reference = image;
        }
        using var store = new ImageStore(new ImageStoreOptions
        {
            DataDirectory = cacheDir,
            Registry = new RegistryClientOptions { Handler = handler, Credentials = _ => credentials },
        });
        var result = Console.IsOutputRedirected
            ? await store.PullAsync(reference, null, ct)
            : await WithProgressAsync(store, reference, ct);
        if (result.Succeeded) return result.Image!;
        var error = result.Error!;
        var (code, hint) = error.Code switch
        {
            ImageErrorCode.InvalidReference => (ExitCodes.Usage, " Give REGISTRY/REPOSITORY:TAG (e.g. 127.0.0.1:5050/hello:latest) or oci:DIR[:TAG]."),
            ImageErrorCode.NotFound => (ExitCodes.RemoteError, " Check the name and tag (`lamina images ls`)."),
            ImageErrorCode.Unauthorized => (ExitCodes.AuthFailure, " Pass --access-key/--secret-key or --data-dir of the server."),
            ImageErrorCode.RegistryUnavailable => (ExitCodes.Unreachable, ""),
            _ => (ExitCodes.Usage, ""),
        };
        throw new CliException(code, $"cannot pull {image}: {error.Code}: {error.Message}.{hint}", error.Code.ToString());
    }

    // The layout is read through a handler that answers /v2/ from its blobs/, addressed by the chosen manifest's digest.
    private static (string Reference, HttpMessageHandler Handler) Layout(string text)
    {
        var (dir, tag) = Commands.PushCommand.SplitSource(text);
        var layout = new OciLayout(dir);
        var top = layout.SelectManifest(tag);
        var manifests = new List<BlobRef>();
        try
        {
            layout.BlobsOf(top, manifests);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw CliException.Usage($"{dir} has a malformed manifest: {e.Message}");
        }
        var types = manifests.ToDictionary(m => m.Digest, m => m.MediaType);
        return ($"{OciLayoutRegistryHandler.Host}/layout@{top.Digest}", new OciLayoutRegistryHandler(layout, types));
    }

    private static async Task<PullResult> WithProgressAsync(ImageStore store, string reference, CancellationToken ct)
    {
        PullResult? result = null;
        await AnsiConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new LockedProgress(p =>
                {
                    if (p.Layer is not { } layer) return;
                    var key = p.Phase == PullPhase.Unpacking ? "unpack " + layer : "pull " + layer;
                    if (!tasks.TryGetValue(key, out var task))
                        tasks[key] = task = ctx.AddTask(Markup.Escape(key[..Math.Min(key.Length, 26)]), maxValue: Math.Max(1, p.Total ?? p.Bytes));
                    if (p.Phase is PullPhase.LayerCached or PullPhase.LayerDone) task.Value = task.MaxValue;
                    else task.Value = p.Bytes;
                });
                result = await store.PullAsync(reference, progress, ct);
            });
        return result!;
    }

    private sealed class LockedProgress(Action<PullProgress> report) : IProgress<PullProgress>
    {
        private readonly Lock _lock = new();

        public void Report(PullProgress value)
        {
            lock (_lock) report(value);
        }
    }
}
