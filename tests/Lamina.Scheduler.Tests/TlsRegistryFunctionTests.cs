using System.Text.Json;
using Lamina.Scheduler.Tests.Fixtures;

namespace Lamina.Scheduler.Tests;

/// <summary>
/// Functions whose image is in a TLS registry on loopback (Registries:Secure), created and invoked with the real AWS
/// CLI v2: the registry whose CA is in Registries:CaFile is pulled and runs; the one signed by another CA fails the
/// function with InvalidImage and a reason that says what to configure.
/// </summary>
public sealed class TlsRegistryFunctionTests(TlsRegistryServer server) : IClassFixture<TlsRegistryServer>
{
    [Fact]
    public async Task A_function_from_a_trusted_tls_registry_runs_and_one_from_an_untrusted_registry_fails_saying_why()
    {
        await CreateAsync("tls-trusted", $"{server.Trusted.Host}/{TlsRegistryServer.Repository}:v1");
        await CreateAsync("tls-untrusted", $"{server.Untrusted.Host}/{TlsRegistryServer.Repository}:v1");

        var trusted = await SettledAsync("tls-trusted");
        Assert.True(trusted.GetProperty("State").GetString() == "Active", trusted.ToString());
        var answer = await server.InvokeAsync("tls-trusted", """{"over":"tls"}""");
        Assert.Equal(200, answer.StatusCode);
        Assert.Null(answer.FunctionError);
        Assert.Contains("\"over\":\"tls\"", answer.Payload, StringComparison.Ordinal);

        var untrusted = await SettledAsync("tls-untrusted");
        Assert.Equal("Failed", untrusted.GetProperty("State").GetString());
        Assert.Equal("InvalidImage", untrusted.GetProperty("StateReasonCode").GetString());
        var reason = untrusted.GetProperty("StateReason").GetString()!;
        Assert.Contains($"the TLS certificate of registry {server.Untrusted.Host} is not trusted", reason, StringComparison.Ordinal);
        Assert.Contains("Registries:CaFile", reason, StringComparison.Ordinal);
    }

    private Task<string> CreateAsync(string name, string imageUri) => FunctionCalls.CreateAsync(server, name, imageUri);

    private Task<JsonElement> SettledAsync(string name) => FunctionCalls.SettledAsync(server, name);
}
