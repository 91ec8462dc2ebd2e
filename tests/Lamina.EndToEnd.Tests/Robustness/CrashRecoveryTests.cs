using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lamina.EndToEnd.Tests.Images;
using Lamina.EndToEnd.Tests.Infrastructure;
using Lamina.EndToEnd.Tests.Registries;
using Xunit.Abstractions;

namespace Lamina.EndToEnd.Tests.Robustness;

/// <summary>
/// SIGKILL in the middle of concurrent pushes, restart on the same storage, repeat: every push the
/// server acknowledged (manifest PUT answered 201) must be pullable byte for byte, no unacknowledged
/// blob may be visible unless whole and correct, and every stored blob file must hash to its name.
/// </summary>
public abstract class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 3;
    private const int Workers = 6;
    private const int AcksBeforeKill = 4;

    private readonly TempDirectory _storage = new("lamina-e2e-crash-");
    private readonly ConcurrentBag<Push> _acknowledged = [];
    private readonly ConcurrentBag<(string Repository, Blob Blob)> _attempted = [];
    private int _pushCounter;

    protected string StorageDirectory => _storage.Path;

    /// <summary>Starts the registry on <see cref="StorageDirectory"/> (again after each kill).</summary>
    protected abstract Task<IRegistryUnderTest> StartAsync();

    /// <summary>Every stored blob file with the digest its location says it holds.</summary>
    protected abstract IEnumerable<(string Path, string Digest)> StoredBlobFiles();

    [Fact]
    public async Task Acknowledged_pushes_survive_SIGKILL_and_no_partial_blob_is_visible()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var registry = await StartAsync();
            try
            {
                await VerifyAsync(registry);
                var before = _acknowledged.Count;
                using var stop = new CancellationTokenSource();
                var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(() => PushUntilKilledAsync(registry, round, w, stop.Token))).ToArray();
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
                while (_acknowledged.Count - before < AcksBeforeKill && DateTime.UtcNow < deadline && !workers.All(t => t.IsCompleted))
                {
                    await Task.Delay(20);
                }
                await Task.Delay(Random.Shared.Next(0, 150)); // land the kill at a different point each round
                registry.KillHard();
                await stop.CancelAsync();
                var failures = await Task.WhenAll(workers);
                Assert.True(_acknowledged.Count - before >= AcksBeforeKill,
                    $"round {round}: only {_acknowledged.Count - before} pushes acknowledged before the deadline; worker errors: {string.Join("\n", failures.OfType<string>())}\n{registry.ServerLog}");
                output.WriteLine($"round {round}: {_acknowledged.Count - before} acknowledged, {failures.Count(f => f is not null)} pushes cut by the kill");
            }
            finally
            {
                await registry.DisposeAsync();
            }
        }

        var final = await StartAsync();
        try
        {
            await VerifyAsync(final);
        }
        finally
        {
            await final.DisposeAsync();
        }
        foreach (var (path, digest) in StoredBlobFiles())
        {
            using var stream = File.OpenRead(path);
            Assert.True(Blob.Sha256(stream) == digest, $"stored blob file {path} does not hash to {digest}: a partial write became visible");
        }
    }

    /// <summary>Pushes unique images until the server dies; returns the error that stopped it (null if cancelled first).</summary>
    private async Task<string?> PushUntilKilledAsync(IRegistryUnderTest registry, int round, int worker, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
        var client = new RegistryHttpClient(http);
        while (!ct.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _pushCounter);
            var repository = $"crash/w{worker}";
            var layer = new byte[64 * 1024 + Random.Shared.Next(0, 2 * 1024 * 1024)];
            Random.Shared.NextBytes(layer);
            var config = Encoding.UTF8.GetBytes(
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"push\":\"" + n + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
            var layerBlob = new Blob(OciLayout.LayerType, Blob.Sha256(layer), layer.Length);
            var configBlob = new Blob(OciLayout.ConfigType, Blob.Sha256(config), config.Length);
            _attempted.Add((repository, layerBlob));
            _attempted.Add((repository, configBlob));
            try
            {
                switch (n % 3)
                {
                    case 0: await client.PushMonolithicAsync(repository, layer); break;
                    case 1: await client.PushPostPutAsync(repository, layer); break;
                    default: await client.PushChunkedAsync(repository, layer, 256 * 1024, TimeSpan.FromMilliseconds(5)); break;
                }
                await client.PushMonolithicAsync(repository, config);
                var manifest = ManifestJson(configBlob, layerBlob);
                var tag = $"r{round}-p{n}";
                if (await client.PutManifestAsync(repository, tag, manifest, OciLayout.ManifestType) == HttpStatusCode.Created)
                {
                    _acknowledged.Add(new Push(repository, tag, manifest, [configBlob, layerBlob]));
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or RegistryProtocolException)
            {
                return e.GetType().Name + ": " + e.Message;
            }
        }
        return null;
    }

    private static byte[] ManifestJson(Blob config, Blob layer) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = OciLayout.ManifestType,
        ["config"] = new JsonObject { ["mediaType"] = config.MediaType, ["digest"] = config.Digest, ["size"] = config.Size },
        ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = layer.MediaType, ["digest"] = layer.Digest, ["size"] = layer.Size }),
    }.ToJsonString());

    private async Task VerifyAsync(IRegistryUnderTest registry)
    {
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
        var client = new RegistryHttpClient(http);
        foreach (var push in _acknowledged)
        {
            var digest = Blob.Sha256(push.Manifest);
            foreach (var reference in new[] { push.Tag, digest })
            {
                var (status, body) = await client.GetAsync($"/v2/{push.Repository}/manifests/{reference}", OciLayout.ManifestType);
                Assert.True(status == HttpStatusCode.OK && Blob.Sha256(body) == digest,
                    $"acknowledged manifest {push.Repository}:{reference} lost after SIGKILL: {(int)status} {Encoding.UTF8.GetString(body)}");
            }
            foreach (var blob in push.Blobs)
            {
                var (status, body) = await client.GetAsync($"/v2/{push.Repository}/blobs/{blob.Digest}");
                Assert.True(status == HttpStatusCode.OK && body.Length == blob.Size && Blob.Sha256(body) == blob.Digest,
                    $"acknowledged blob {push.Repository}@{blob.Digest} ({blob.Size} B) came back as {(int)status}, {body.Length} B");
            }
        }
        foreach (var (repository, blob) in _attempted)
        {
            var (status, length) = await client.HeadAsync($"/v2/{repository}/blobs/{blob.Digest}");
            Assert.True(status is HttpStatusCode.NotFound or HttpStatusCode.OK, $"HEAD {repository}@{blob.Digest} answered {(int)status}");
            if (status == HttpStatusCode.OK)
            {
                Assert.Equal(blob.Size, length);
                var (_, body) = await client.GetAsync($"/v2/{repository}/blobs/{blob.Digest}");
                Assert.Equal(blob.Digest, Blob.Sha256(body));
            }
        }
    }

    public void Dispose()
    {
        _storage.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed record Push(string Repository, string Tag, byte[] Manifest, IReadOnlyList<Blob> Blobs);
}

public sealed class CrashRecoveryOfLamina(ITestOutputHelper output) : CrashRecoveryTests(output)
{
    protected override async Task<IRegistryUnderTest> StartAsync() => await LaminaRegistry.StartAsync(StorageDirectory, authEnabled: false);

    /// <summary>DATA/blobs/sha256/ab/abcdef… (see RegistryPaths).</summary>
    protected override IEnumerable<(string Path, string Digest)> StoredBlobFiles() =>
        Directory.Exists(Path.Combine(StorageDirectory, "blobs", "sha256"))
            ? Directory.EnumerateFiles(Path.Combine(StorageDirectory, "blobs", "sha256"), "*", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(f).Length == 64)
                .Select(f => (f, "sha256:" + Path.GetFileName(f)))
            : [];
}

public sealed class CrashRecoveryOfDistribution(ITestOutputHelper output) : CrashRecoveryTests(output)
{
    protected override async Task<IRegistryUnderTest> StartAsync() => await DistributionRegistry.StartAsync(StorageDirectory);

    /// <summary>store/docker/registry/v2/blobs/sha256/ab/abcdef…/data.</summary>
    protected override IEnumerable<(string Path, string Digest)> StoredBlobFiles()
    {
        var root = Path.Combine(StorageDirectory, "store", "docker", "registry", "v2", "blobs", "sha256");
        return Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "data", SearchOption.AllDirectories).Select(f => (f, "sha256:" + Path.GetFileName(Path.GetDirectoryName(f))!))
            : [];
    }
}
