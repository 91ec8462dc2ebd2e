using System.Text.Json.Nodes;

namespace Lamina.Control.States;

/// <summary>
/// How far the pull and unpack of a function's image has got, while the function is Pending or its update
/// InProgress (and the last pull's summary after). Implemented by the scheduler's image cache; absent when the
/// server does not run functions (then Active needs no pull and there is nothing to report).
/// </summary>
public interface IImagePullProgress
{
    /// <summary>The latest pull for <paramref name="imageUri"/> (Code.ImageUri as given), or null when none was started.</summary>
    ImagePullStatus? Status(string imageUri);
}

/// <summary>
/// One pull's progress. <see cref="BytesDone"/> counts compressed bytes downloaded (a cached layer counts whole),
/// <see cref="LayersDone"/> the layers whose snapshot is in place. <see cref="Phase"/> is <c>starting</c>,
/// <c>downloading</c>, <c>unpacking</c>, <c>done</c> or <c>failed</c> (then <see cref="Error"/> says why).
/// Totals are 0 until the manifest and config are verified.
/// </summary>
public sealed record ImagePullStatus(string Digest, string Phase, int LayersDone, int LayersTotal, long BytesDone, long BytesTotal,
    TimeSpan Elapsed, string? Error)
{
    /// <summary>The JSON form served at <c>GET /lamina/api/v1/functions/{name}/image-pull</c> (docs/cli.md).</summary>
    public JsonObject ToJson() => new()
    {
        ["digest"] = Digest,
        ["phase"] = Phase,
        ["layersDone"] = LayersDone,
        ["layersTotal"] = LayersTotal,
        ["bytesDone"] = BytesDone,
        ["bytesTotal"] = BytesTotal,
        ["seconds"] = Math.Round(Elapsed.TotalSeconds, 3),
        ["error"] = Error,
    };
}
