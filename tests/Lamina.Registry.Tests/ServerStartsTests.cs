using System.Net;
using Lamina.Server;

namespace Lamina.Registry.Tests;

public class ServerStartsTests
{
    [Fact]
    public async Task Answers_the_v2_version_check_and_generates_credentials_once()
    {
        var dataDir = Directory.CreateTempSubdirectory("lamina-test-").FullName;
        try
        {
            var options = new LaminaOptions { Port = 0, DataDir = dataDir, AuthEnabled = false };
            await using (var host = LaminaHost.Create(options))
            {
                Assert.True(host.CredentialsCreated);
                await host.StartAsync();
                using var http = new HttpClient { BaseAddress = host.BaseAddress };
                using var response = await http.GetAsync(new Uri("/v2/", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-API-Version").Single());
                await host.StopAsync();
            }
            await using var again = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = dataDir });
            Assert.False(again.CredentialsCreated);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDir, "credentials.json")));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public void Refuses_to_disable_auth_on_a_non_loopback_address()
    {
        var options = new LaminaOptions { ListenAddress = "0.0.0.0", AuthEnabled = false, DataDir = "/tmp/unused" };
        var e = Assert.Throws<LaminaConfigurationException>(() => LaminaHost.Create(options));
        Assert.Contains("authentication cannot be disabled", e.Message, StringComparison.Ordinal);
    }
}
