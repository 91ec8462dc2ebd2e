using System.Net;
using Lamina.RuntimeSupport.Tests.Fixtures;

namespace Lamina.RuntimeSupport.Tests.Emulator;

/// <summary>Class-library handler shapes beyond the sample's: raw streams, void, ValueTask, a failing constructor.</summary>
public sealed class ClassLibraryTests
{
    private const string Prefix = "Lamina.RuntimeSupport.Tests::Lamina.RuntimeSupport.Tests.Fixtures.";

    [Theory]
    [InlineData("ClassLibraryHandlers::Echo", "raw, not JSON \u00e9", "raw, not JSON \u00e9")]
    [InlineData("ClassLibraryHandlers::Nothing", "{}", "null")]
    [InlineData("ClassLibraryHandlers::Count", "[1,2,3]", "3")]
    public async Task Handler_shapes_answer_as_documented(string handler, string payload, string expected)
    {
        await using var agent = await Runtime.StartAsync("managed", Prefix + handler);
        using var response = await agent.InvokeAsync(payload);
        var body = await response.Content.ReadAsStringAsync();
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"), body);
        Assert.Equal(expected, body);
    }

    [Fact]
    public async Task A_method_of_another_shape_is_an_init_error_naming_its_parameters()
    {
        await using var agent = await Runtime.StartAsync("managed", Prefix + "ClassLibraryHandlers::TwoEvents");
        using var response = await agent.InvokeAsync("{}");
        var error = await Json.ReadAsync(response);
        Assert.Equal("Runtime.HandlerNotFound", error.Str("errorType"));
        Assert.Contains("(String, String)", error.Str("errorMessage"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_constructor_is_an_init_error_of_its_exception_type()
    {
        await using var agent = await Runtime.StartAsync("managed", Prefix + "ThrowingConstructor::Handle");
        using var response = await agent.InvokeAsync("{}");
        var error = await Json.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("InvalidOperationException", error.Str("errorType"));
        Assert.Equal("constructor failed", error.Str("errorMessage"));
    }
}
