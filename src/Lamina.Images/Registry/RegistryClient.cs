using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Lamina.Oci;

namespace Lamina.Images.Registry;

/// <summary>A fetched manifest: parsed, with the digest its bytes hash to (already checked against what was asked).</summary>
public sealed record ManifestResponse(ImageManifest Manifest, Digest Digest, byte[] Bytes);

/// <summary>
/// Pull side of the OCI distribution API: manifests and blobs, with Bearer-token and Basic authentication.
/// Every byte is verified: a manifest against the digest asked for (or the registry's Docker-Content-Digest),
/// a blob against its descriptor's digest and size while it streams, so a wrong byte never goes unnoticed.
/// Plain HTTP for loopback and configured insecure registries, HTTPS otherwise (and for loopback hosts listed as
/// secure); TLS trusts the system's roots plus <see cref="RegistryClientOptions.TrustedCertificates"/>.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    private const long MaxConfigBytes = 16 * 1024 * 1024;
    private static readonly string[] ManifestTypes =
        [MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList];
    private readonly HttpClient http;
    private readonly RegistryClientOptions options;

    public RegistryClient(RegistryClientOptions? options = null)
    {
        this.options = options ?? new RegistryClientOptions();
        var handler = this.options.Handler ?? RegistryTls.Handler(this.options.TrustedCertificates);
        http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("lamina/0.1");
    }

    private Uri Url(ImageReference image, string path)
    {
        var host = image.Registry == ImageReference.DefaultRegistry ? "registry-1.docker.io" : image.Registry;
        var scheme = IsPlainHttp(image.Registry) ? "http" : "https";
        return new Uri($"{scheme}://{host}/v2/{image.Repository}/{path}");
    }

    private bool IsPlainHttp(string registry)
    {
        if (options.InsecureRegistries.Contains(registry)) return true;
        if (options.SecureRegistries.Contains(registry)) return false;
        var host = registry.StartsWith('[') ? registry[..(registry.IndexOf(']', StringComparison.Ordinal) + 1)] : registry.Split(':')[0];
        return host == "localhost" || host == "[::1]" || host.StartsWith("127.", StringComparison.Ordinal);
    }

    /// <summary>GETs a manifest or index by tag or digest and verifies its digest.</summary>
    /// <exception cref="ImageException">Not found, unauthorized, unreachable, malformed or a digest mismatch.</exception>
    public async Task<ManifestResponse> GetManifestAsync(ImageReference image, string reference, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(image, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url(image, "manifests/" + reference));
            foreach (var t in ManifestTypes) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(t));
            return request;
        }, $"image {image.Registry}/{image.Repository}{(Digest.TryParse(reference, out _) ? "@" : ":")}{reference}", cancellationToken);
        var bytes = await ReadBoundedAsync(response, ImageManifest.MaxBytes, $"manifest {reference}", cancellationToken);
        Digest? asked = Digest.TryParse(reference, out var a) ? a : null;
        var claimed = response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var c) ? c : (Digest?)null;
        var expected = asked ?? claimed;
        var actual = Digest.Compute(bytes, expected?.Algorithm ?? DigestAlgorithm.Sha256);
        if (expected is { } e && e != actual)
            throw new ImageException(ImageErrorCode.DigestMismatch, $"manifest {image.Repository}:{reference} hashes to {actual}, expected {e}");
        if (!ImageManifest.TryParse(bytes, response.Content.Headers.ContentType?.MediaType, out var manifest, out var error))
            throw new ImageException(ImageErrorCode.InvalidManifest, $"manifest {image.Repository}:{reference}: {error}");
        return new ManifestResponse(manifest!, actual, bytes);
    }

    /// <summary>GETs a small blob (an image config) into memory, verified against its descriptor.</summary>
    public async Task<byte[]> GetBlobBytesAsync(ImageReference image, Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (descriptor.Size > MaxConfigBytes)
            throw new ImageException(ImageErrorCode.InvalidManifest, $"config blob {descriptor.Digest} is {descriptor.Size} bytes, over {MaxConfigBytes}");
        var what = BlobLabel(image, descriptor);
        using var response = await SendAsync(image, () => new HttpRequestMessage(HttpMethod.Get, Url(image, "blobs/" + descriptor.Digest)),
            what, cancellationToken);
        var bytes = await ReadBoundedAsync(response, descriptor.Size, what, cancellationToken);
        Verify(descriptor, bytes.Length, Digest.Compute(bytes, descriptor.Digest.Algorithm));
        return bytes;
    }

    /// <summary>
    /// Streams a blob to <paramref name="path"/> (created), hashing as it goes; throws as soon as more bytes than
    /// the descriptor's size arrive, and at the end on a short body or a digest mismatch. The caller deletes the file on failure.
    /// </summary>
    public async Task DownloadBlobAsync(ImageReference image, Descriptor descriptor, string path, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(image, () => new HttpRequestMessage(HttpMethod.Get, Url(image, "blobs/" + descriptor.Digest)),
            BlobLabel(image, descriptor), cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        using var hash = descriptor.Digest.CreateHasher();
        var buffer = new byte[256 * 1024];
        long total = 0, reported = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += n;
            if (total > descriptor.Size)
                throw new ImageException(ImageErrorCode.DigestMismatch, $"blob {descriptor.Digest} is larger than its descriptor's {descriptor.Size} bytes");
            hash.AppendData(buffer, 0, n);
            await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            if (progress is not null && total - reported >= 1 << 20) { reported = total; progress.Report(total); }
        }
        Verify(descriptor, total, Digest.FromHash(descriptor.Digest.Algorithm, hash.GetHashAndReset()));
        progress?.Report(total);
    }

    private static void Verify(Descriptor descriptor, long size, Digest actual)
    {
        if (size != descriptor.Size)
            throw new ImageException(ImageErrorCode.DigestMismatch, $"blob {descriptor.Digest} is {size} bytes, its descriptor says {descriptor.Size}");
        if (actual != descriptor.Digest)
            throw new ImageException(ImageErrorCode.DigestMismatch, $"blob {descriptor.Digest} hashes to {actual}");
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, long max, string what, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (ms.Length + n > max)
                throw new ImageException(ImageErrorCode.DigestMismatch, $"{what} is larger than {max} bytes");
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    public void Dispose() => http.Dispose();

    /// <summary>How a blob is named in errors: its digest and the repository it was fetched from.</summary>
    private static string BlobLabel(ImageReference image, Descriptor descriptor) =>
        $"blob {descriptor.Digest} of {image.Registry}/{image.Repository}";
}
