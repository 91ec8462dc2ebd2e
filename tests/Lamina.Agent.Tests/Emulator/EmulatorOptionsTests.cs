using System.Net;
using Lamina.Agent.Emulator;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>The aws-lambda-rie command line and environment.</summary>
public sealed class EmulatorOptionsTests
{
    private static EmulatorOptions Parse(string[] args, Dictionary<string, string>? env, out string? error, params string[] existing) =>
        EmulatorOptions.Parse(args, name => env?.GetValueOrDefault(name), existing.Contains, out error);

    [Fact]
    public void Defaults_match_the_runtime_interface_emulator()
    {
        var options = Parse(["/usr/local/bin/npx", "aws-lambda-ric", "app.handler"], null, out var error);

        Assert.Null(error);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9001), options.RuntimeApiEndpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 8080), options.EmulatorEndpoint);
        Assert.Equal(["/usr/local/bin/npx", "aws-lambda-ric", "app.handler"], options.Command);
        Assert.Equal(300, options.TimeoutSeconds);
        Assert.Equal(3008, options.MemorySizeMb);
        Assert.Equal("function", options.FunctionName);
        Assert.Equal("$LATEST", options.FunctionVersion);
        Assert.Equal("arn:aws:lambda:us-east-1:012345678912:function:function", options.FunctionArn);
    }

    [Fact]
    public void Flags_in_both_spellings_and_the_environment_are_honoured()
    {
        var env = new Dictionary<string, string> { ["AWS_LAMBDA_FUNCTION_TIMEOUT"] = "3", ["AWS_LAMBDA_FUNCTION_NAME"] = "f", ["_HANDLER"] = "app.h" };

        var options = Parse(["--runtime-api-address=localhost:9100", "--runtime-interface-emulator-address", ":9000", "--log-level", "debug", "--", "--odd-command"], env, out var error);

        Assert.Null(error);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9100), options.RuntimeApiEndpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 9000), options.EmulatorEndpoint);
        Assert.Equal("debug", options.LogLevel);
        Assert.Equal(["--odd-command"], options.Command);
        Assert.Equal(3, options.TimeoutSeconds);
        Assert.Equal("app.h", options.Handler);
    }

    [Fact]
    public void Bootstrap_is_looked_up_in_order_when_no_command_is_given()
    {
        var options = Parse([], null, out _, "/opt/bootstrap", "/var/runtime/bootstrap");

        Assert.Equal(["/opt/bootstrap"], options.Command);
    }

    [Theory]
    [InlineData("--runtime-api-address", "nohost")]
    [InlineData("--runtime-api-address", "example.com:80")]
    [InlineData("--runtime-interface-emulator-address", "1.2.3.4:99999")]
    [InlineData("--bogus", "1")]
    public void Bad_flags_are_reported(string flag, string value)
    {
        Parse([flag, value, "cmd"], null, out var error);

        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("AWS_LAMBDA_FUNCTION_TIMEOUT", "abc")]
    [InlineData("AWS_LAMBDA_FUNCTION_TIMEOUT", "-1")]
    [InlineData("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0")]
    public void Bad_environment_values_are_reported(string name, string value)
    {
        Parse(["cmd"], new Dictionary<string, string> { [name] = value }, out var error);

        Assert.Contains(name, error, StringComparison.Ordinal);
    }
}
