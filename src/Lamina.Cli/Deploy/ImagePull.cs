using System.Globalization;
using System.Text.Json;
using Lamina.Cli.Client;

namespace Lamina.Cli.Deploy;

/// <summary>
/// The server's report on pulling and unpacking a function's image (<c>GET /lamina/api/v1/functions/NAME/image-pull</c>):
/// what <c>lamina deploy</c> shows while the function is Pending.
/// </summary>
internal sealed record ImagePull(string Phase, int LayersDone, int LayersTotal, long BytesDone, long BytesTotal, double Seconds, string? Error)
{
    /// <summary>The function's latest pull, or null when the server has none to report (not running functions, or an older server).</summary>
    public static async Task<ImagePull?> GetAsync(LaminaClient client, string function, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/lamina/api/v1/functions/" + Uri.EscapeDataString(function) + "/image-pull");
        using var response = await client.LambdaAsync(request, ct);
        // Progress is a nicety: any answer but a well-formed report means "nothing to show", never a failed deploy.
        if (!response.IsSuccessStatusCode) return null;
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (!doc.RootElement.TryGetProperty("pull", out var p) || p.ValueKind != JsonValueKind.Object) return null;
            return new ImagePull(Output.Str(p, "phase"), Int(p, "layersDone"), Int(p, "layersTotal"), Long(p, "bytesDone"), Long(p, "bytesTotal"),
                p.TryGetProperty("seconds", out var s) && s.TryGetDouble(out var sec) ? sec : 0, Output.Str(p, "error") is { Length: > 0 } e ? e : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>"Pulling and unpacking: 3/7 layers, 120.0/450.0 MiB" (or "Pulled and unpacked …" once done).</summary>
    public string Describe() => Phase switch
    {
        "done" => $"Pulled and unpacked: {LayersTotal} layers, {Output.Bytes(BytesTotal)} in {Seconds.ToString("0.00", CultureInfo.InvariantCulture)} s",
        "failed" => $"Pull failed: {Error}",
        _ when LayersTotal == 0 => "Pulling: reading the manifest",
        _ => $"Pulling and unpacking: {LayersDone}/{LayersTotal} layers, {Output.Bytes(BytesDone)}/{Output.Bytes(BytesTotal)}",
    };

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt32(out var i) ? i : 0;

    private static long Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt64(out var i) ? i : 0;
}
