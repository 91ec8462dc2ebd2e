using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lamina.Oci;
using Lamina.Server;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>A real Lamina server on 127.0.0.1:0 with a temporary data directory and auth off, plus push helpers.</summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private RegistryServer(LaminaHost host, string dataDir)
    {
        Host = host;
        DataDir = dataDir;
        Http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
    }

    public LaminaHost Host { get; }
    public string DataDir { get; }
    public HttpClient Http { get; }

    public static async Task<RegistryServer> StartAsync(Action<RegistryOptions>? configure = null, string? dataDir = null)
    {
        dataDir ??= Directory.CreateTempSubdirectory("lamina-registry-").FullName;
        var options = new LaminaOptions { Port = 0, DataDir = dataDir, AuthEnabled = false };
        options.Registry.GcInterval = TimeSpan.Zero;
        configure?.Invoke(options.Registry);
        var host = LaminaHost.Create(options);
        await host.StartAsync();
        return new RegistryServer(host, dataDir);
    }

    /// <summary>Stops the server but keeps the data directory (for restart tests).</summary>
    public async Task StopAsync()
    {
        Http.Dispose();
        await Host.StopAsync();
        await Host.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }

    public static ByteArrayContent Octets(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>Pushes a blob with POST ?digest= and returns its digest.</summary>
    public async Task<Digest> PushBlobAsync(string repo, byte[] bytes)
    {
        var digest = Digest.Compute(bytes);
        using var response = await Http.PostAsync($"/v2/{repo}/blobs/uploads/?digest={digest}", Octets(bytes));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return digest;
    }

    /// <summary>Pushes config + one layer and an OCI image manifest referencing them; returns the manifest bytes and digest.</summary>
    public async Task<(byte[] Bytes, Digest Digest)> PushImageAsync(string repo, string reference, string layerText = "layer", Digest? subject = null, string? artifactType = null)
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        var layer = Encoding.UTF8.GetBytes(layerText);
        var c = await PushBlobAsync(repo, config);
        var l = await PushBlobAsync(repo, layer);
        var manifest = ImageManifestJson(c, config.Length, l, layer.Length, subject, artifactType);
        var digest = Digest.Compute(manifest);
        using var response = await PutManifestAsync(repo, reference, manifest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (manifest, digest);
    }

    public static byte[] ImageManifestJson(Digest config, long configSize, Digest layer, long layerSize, Digest? subject = null, string? artifactType = null)
    {
        var subjectJson = subject is null ? "" : $",\"subject\":{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"{subject}\",\"size\":10}}";
        var artifactJson = artifactType is null ? "" : $",\"artifactType\":\"{artifactType}\"";
        return Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\"{artifactJson}," +
            $"\"config\":{{\"mediaType\":\"{MediaTypes.OciConfig}\",\"digest\":\"{config}\",\"size\":{configSize}}}," +
            $"\"layers\":[{{\"mediaType\":\"{MediaTypes.OciLayerGzip}\",\"digest\":\"{layer}\",\"size\":{layerSize}}}]" +
            $"{subjectJson},\"annotations\":{{\"org.example\":\"yes\"}}}}");
    }

    public Task<HttpResponseMessage> PutManifestAsync(string repo, string reference, byte[] bytes, string mediaType = MediaTypes.OciManifest)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return Http.PutAsync($"/v2/{repo}/manifests/{reference}", content);
    }

    /// <summary>Asserts the response is the spec's error body with <paramref name="code"/>.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(code, doc.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-API-Version").Single());
    }

    /// <summary>The server still answers the version check (used after bad input).</summary>
    public async Task AssertAliveAsync()
    {
        using var response = await Http.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Files under the uploads directory and blob files, to prove nothing partial was published.</summary>
    public int BlobFileCount() =>
        Directory.Exists(Path.Combine(DataDir, "blobs")) ? Directory.EnumerateFiles(Path.Combine(DataDir, "blobs"), "*", SearchOption.AllDirectories).Count() : 0;
}
