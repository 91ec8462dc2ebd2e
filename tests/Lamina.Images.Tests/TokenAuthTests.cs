using Lamina.Images.Registry;

namespace Lamina.Images.Tests;

/// <summary>The Bearer token flow against docker-registry configured for token auth: the registry verifies our tokens for real.</summary>
public sealed class TokenAuthTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "lamina-token-" + Guid.NewGuid().ToString("n"));
    private readonly TokenServer tokens;
    private readonly DistributionRegistry registry;

    public TokenAuthTests()
    {
        Directory.CreateDirectory(dir);
        var bundle = Path.Combine(dir, "token.pem");
        tokens = new TokenServer("alice", "secret", bundle);
        registry = new DistributionRegistry($"""
              token:
                realm: {tokens.Realm}
                service: {TokenServer.Service}
                issuer: {TokenServer.Issuer}
                rootcertbundle: {bundle}
            """);
    }

    public void Dispose()
    {
        registry.Dispose();
        tokens.Dispose();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private ImageStore Store(RegistryCredentials? credentials) => new(new ImageStoreOptions
    {
        DataDirectory = Path.Combine(dir, "data-" + Guid.NewGuid().ToString("n")),
        Durable = false,
        Registry = new RegistryClientOptions { Credentials = _ => credentials },
    });

    [Fact]
    public async Task Bearer_token_flow_with_basic_credentials_at_the_realm()
    {
        var tar = new LayerBuilder().File("hello", "token").Tar();
        using (var layout = new OciLayout())
        {
            layout.Tag(layout.AddImage([TestLayer.Gzip(tar)]), "v1");
            layout.Push(registry.Host, "secure/fn", "v1", "alice:secret");
        }

        using var anonymous = Store(null);
        var refused = await anonymous.PullAsync($"{registry.Host}/secure/fn:v1");
        Assert.Equal(ImageErrorCode.Unauthorized, refused.Error?.Code);

        using var wrong = Store(new RegistryCredentials("alice", "wrong"));
        var wrongResult = await wrong.PullAsync($"{registry.Host}/secure/fn:v1");
        Assert.Equal(ImageErrorCode.Unauthorized, wrongResult.Error?.Code);
        Assert.Contains("token realm", wrongResult.Error!.Message);

        var before = tokens.AuthenticatedRequests;
        using var alice = Store(new RegistryCredentials("alice", "secret"));
        var result = await alice.PullAsync($"{registry.Host}/secure/fn:v1");
        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal("token", File.ReadAllText(Path.Combine(result.Image!.Layers[0].Path, "hello")));
        Assert.Equal(1, tokens.AuthenticatedRequests - before); // one token, reused for manifest, config and blob
    }
}
