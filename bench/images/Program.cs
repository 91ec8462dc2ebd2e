// Unpack throughput of gzip layers: Lamina's LayerUnpacker against the physical floor measured in the same run
// (gzip -dc to /dev/null: decompression alone; GNU tar -xzf: decompression plus writing the same files).
// Usage: dotnet run -c Release --project bench/images -- [runs] [path-under-/ ...]
// Figures are MB/s of uncompressed layer data (1 MB = 10^6 bytes), medians over the runs.
using System.Diagnostics;
using Lamina.Images.Snapshots;
using Lamina.Images.Unpack;
using Lamina.Oci;

var runs = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 5;
string[] sources = args.Length > 1 ? args[1..] : ["usr/lib/python3", "usr/lib/python3.11"];
var work = Path.Combine(Path.GetTempPath(), "lamina-bench-images-" + Environment.ProcessId);
Directory.CreateDirectory(work);
try
{
    var layer = Path.Combine(work, "layer.tar.gz");
    Run("sh", "-c", $"tar -C / -cf - {string.Join(' ', sources)} | gzip -6 > {layer}");
    var uncompressed = long.Parse(Capture("sh", "-c", $"gzip -dc {layer} | wc -c").Trim());
    var compressed = new FileInfo(layer).Length;
    var files = Capture("sh", "-c", $"tar -tzf {layer} | wc -l").Trim();
    Console.WriteLine($"layer: {string.Join(' ', sources)} — {files} entries, {uncompressed / 1e6:F1} MB uncompressed, {compressed / 1e6:F1} MB gzip");
    Console.WriteLine($"runs: {runs} (medians), cores: {Environment.ProcessorCount}");

    // Variants run interleaved within each round, so a change in the machine's load hits them all alike.
    var variants = new (string Name, Action Run, Action? Cleanup)[]
    {
        ("gzip -dc > /dev/null (decompression floor)", () => Run("sh", "-c", $"gzip -dc {layer} > /dev/null"), null),
        ("GNU tar -xzf (extraction floor)", () => Run("tar", "-xzf", layer, "-C", Fresh(work, "tar")), () => Clean(work, "tar")),
        ("Lamina LayerUnpacker, read-ahead thread", () => Lamina(true), () => Clean(work, "lamina")),
        ("Lamina LayerUnpacker, one thread (default)", () => Lamina(false), () => Clean(work, "lamina")),
        ("Lamina snapshot incl. syncfs + rename (durable publish)", Durable, () => Clean(work, "store")),
    };
    var times = variants.Select(_ => new List<double>()).ToArray();
    for (var round = 0; round < runs; round++)
    {
        for (var v = 0; v < variants.Length; v++)
        {
            variants[v].Cleanup?.Invoke();
            var sw = Stopwatch.StartNew();
            variants[v].Run();
            times[v].Add(sw.Elapsed.TotalSeconds);
            variants[v].Cleanup?.Invoke();
        }
    }

    void Lamina(bool readAhead)
    {
        var target = Fresh(work, "lamina");
        using var blob = File.OpenRead(layer);
        LayerUnpacker.Unpack(blob, MediaTypes.OciLayerGzip, compressed, target, new UnpackLimits(), readAhead: readAhead);
    }

    void Durable()
    {
        var store = new SnapshotStore(Path.Combine(work, "store"), durable: true);
        store.GetOrCreateAsync(Digest.Compute("x"u8), (fs, ct) =>
        {
            using var blob = File.OpenRead(layer);
            var result = LayerUnpacker.Unpack(blob, MediaTypes.OciLayerGzip, compressed, fs, new UnpackLimits(), cancellationToken: ct);
            return Task.FromResult(result with { DiffId = Digest.Compute("x"u8) });
        }, default).GetAwaiter().GetResult();
    }

    Console.WriteLine();
    Console.WriteLine("| what | median s | MB/s uncompressed |");
    Console.WriteLine("|---|---|---|");
    for (var v = 0; v < variants.Length; v++) Row(variants[v].Name, Median(times[v]));

    void Row(string what, double seconds) => Console.WriteLine($"| {what} | {seconds:F2} | {uncompressed / 1e6 / seconds:F0} |");
}
finally
{
    Directory.Delete(work, recursive: true);
}

static double Median(List<double> times)
{
    times.Sort();
    return times[times.Count / 2];
}

static string Fresh(string work, string name)
{
    var dir = Path.Combine(work, name);
    Directory.CreateDirectory(dir);
    return dir;
}

static void Clean(string work, string name)
{
    var dir = Path.Combine(work, name);
    if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
}

static void Run(string file, params string[] args)
{
    using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
    var err = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {err}");
}

static string Capture(string file, params string[] args)
{
    using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
    var output = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    return output;
}
