using Lamina.Control.States;
using Lamina.Server;
using Microsoft.Extensions.Configuration;

namespace Lamina.Scheduler.Tests;

/// <summary>The Registries section: binding from LAMINA__ variables, docker config.json, and clear errors that never show a secret.</summary>
public sealed class RegistriesOptionsTests : IDisposable
{
    private const string Secret = "s3cret-value";
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-registries-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Auth(string user, string password) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public void Environment_variables_bind_hosts_with_ports_insecure_hosts_and_the_docker_config()
    {
        var options = new LaminaOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Registries:Hosts:0:Host"] = "registry.example:5000",
            ["Registries:Hosts:0:Username"] = "ci",
            ["Registries:Hosts:0:Password"] = Secret,
            ["Registries:Insecure:0"] = "build-box:5000",
        }).Build().Bind(options);
        Assert.Empty(options.Validate());
        Assert.Equal(new RegistryLogin("ci", Secret), options.Registries.Logins()["registry.example:5000"]);
        Assert.Equal(["build-box:5000"], options.Registries.Insecure);
        Assert.DoesNotContain(Secret, options.Registries.Hosts[0].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, options.Registries.Logins()["registry.example:5000"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Docker_config_logins_are_read_by_host_and_explicit_hosts_win()
    {
        var path = Write("config.json", $$"""
            {"auths":{
              "https://one.example:5000/v1/":{"auth":"{{Auth("alice", "a:b")}}"},
              "two.example":{"username":"bob","password":"pw"},
              "three.example":{"identitytoken":"ignored"}
            },"credsStore":"desktop"}
            """);
        var options = new RegistriesOptions
        {
            DockerConfig = path,
            Hosts = [new RegistryHostOptions { Host = "two.example", Username = "carol", Password = "override" }],
        };
        Assert.Empty(options.Validate());
        var logins = options.Logins();
        Assert.Equal(new RegistryLogin("alice", "a:b"), logins["one.example:5000"]);
        Assert.Equal(new RegistryLogin("carol", "override"), logins["two.example"]);
        Assert.False(logins.ContainsKey("three.example"));
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("{\"auths\":{\"h\":{\"auth\":\"" + Secret + "\"", "is not valid JSON")]
    [InlineData("[1]", "is not a JSON object")]
    [InlineData("{\"auths\":[]}", "\"auths\" is not an object")]
    [InlineData("{\"auths\":{\"h\":{\"auth\":\"%%" + Secret + "\"}}}", "\"auth\" is not base64")]
    [InlineData("{\"auths\":{\"h\":{\"auth\":\"czNjcmV0LXZhbHVl\"}}}", "does not decode to user:password")]
    public void A_bad_docker_config_is_refused_at_start_with_a_message_that_shows_no_secret(string content, string expected)
    {
        var path = content == "missing" ? Path.Combine(_dir, "nope.json") : Write("bad.json", content);
        var options = new LaminaOptions { DataDir = _dir, Registries = new RegistriesOptions { DockerConfig = path } };
        var error = Assert.Single(options.Validate());
        Assert.Contains("Registries:DockerConfig", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
        var refused = Assert.Throws<LaminaConfigurationException>(() => LaminaHost.Create(options));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hosts_need_a_host_name_and_both_halves_of_a_login_and_insecure_hosts_take_no_scheme()
    {
        var options = new RegistriesOptions
        {
            Hosts =
            [
                new RegistryHostOptions { Host = "https://r.example/v2", Username = "u", Password = Secret },
                new RegistryHostOptions { Host = "ok.example", Username = "u" },
            ],
            Insecure = ["http://build-box:5000"],
        };
        var errors = options.Validate();
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("Registries:Hosts:0:Host", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Registries:Hosts:1 (ok.example) needs both Username and Password", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Registries:Insecure entry 'http://build-box:5000'", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.DoesNotContain(Secret, e, StringComparison.Ordinal));
        Assert.False(options.Logins().ContainsKey("ok.example"));
    }
}
