using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Lamina.Images.Tests;

/// <summary>
/// A token realm for docker-registry's "token" auth: it checks Basic credentials and answers a JWT signed
/// (RS256, x5c) with a self-signed certificate that the registry trusts through rootcertbundle, granting
/// pull and push on the requested repository. The registry itself verifies every token.
/// </summary>
internal sealed class TokenServer : IDisposable
{
    public const string Service = "lamina-test";
    public const string Issuer = "lamina-test-issuer";
    private readonly HttpListener listener = new();
    private readonly RSA key = RSA.Create(2048);
    private readonly X509Certificate2 certificate;
    private readonly string user, password;
    private readonly Task loop;

    public TokenServer(string user, string password, string certificateFile)
    {
        this.user = user;
        this.password = password;
        var request = new CertificateRequest("CN=lamina-test-token", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Realm => $"http://127.0.0.1:{Port}/token";
    public int Requests;
    public int AuthenticatedRequests;

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            Interlocked.Increment(ref Requests);
            var scope = context.Request.QueryString["scope"] ?? "";
            var authorized = context.Request.Headers["Authorization"] is { } h &&
                h == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
            if (context.Request.Headers["Authorization"] is not null && !authorized)
            {
                context.Response.StatusCode = 401;
                context.Response.Close();
                continue;
            }
            if (authorized) Interlocked.Increment(ref AuthenticatedRequests);
            var body = Encoding.UTF8.GetBytes(new JsonObject { ["token"] = Token(scope, authorized) }.ToJsonString());
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    /// <summary>Anonymous callers get a valid token granting nothing; the registry then refuses them.</summary>
    private string Token(string scope, bool authorized)
    {
        var access = new JsonArray();
        var parts = scope.Split(':');
        if (authorized && parts.Length == 3)
            access.Add(new JsonObject { ["type"] = parts[0], ["name"] = parts[1], ["actions"] = new JsonArray("pull", "push") });
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData)) };
        var claims = new JsonObject
        {
            ["iss"] = Issuer, ["sub"] = authorized ? user : "", ["aud"] = Service,
            ["exp"] = now + 600, ["nbf"] = now - 60, ["iat"] = now - 60, ["jti"] = Guid.NewGuid().ToString("n"),
            ["access"] = access,
        };
        var signingInput = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + B64(signature);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        listener.Close();
        try { loop.Wait(5000); } catch (AggregateException) { }
        certificate.Dispose();
        key.Dispose();
    }
}
