using System.Net;
using Lamina.RuntimeSupport.Tests.Fixtures;

namespace Lamina.RuntimeSupport.Tests.Emulator;

/// <summary>Class-library handlers that cannot be served: reported to /runtime/init/error, returned to the caller.</summary>
public sealed class InitErrorTests
{
    [Theory]
    [InlineData("CSharpHello::CSharpHello.Function::Missing", "Runtime.HandlerNotFound", "'Missing'")]
    [InlineData("CSharpHello::CSharpHello.Nope::Handler", "Runtime.HandlerNotFound", "'CSharpHello.Nope'")]
    [InlineData("NoSuchAssembly::CSharpHello.Function::Handler", "Runtime.HandlerNotFound", "NoSuchAssembly.dll")]
    [InlineData("CSharpHello.Function.Handler", "Runtime.MalformedHandlerName", "Assembly::Namespace.Type::Method")]
    public async Task A_handler_that_cannot_be_resolved_is_an_init_error_naming_what_is_missing(string handler, string errorType, string mention)
    {
        await using var agent = await Runtime.StartAsync("managed", handler);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // Each invoke re-initialises (the runtime exited after reporting) and fails the same way.
            using var response = await agent.InvokeAsync("""{"name":"x"}""");
            var error = await Json.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
            Assert.Equal(errorType, error.Str("errorType"));
            Assert.Contains(mention, error.Str("errorMessage"), StringComparison.Ordinal);
        }
        Assert.True(await agent.WaitForStdoutCountAsync(l => l.StartsWith("INIT_REPORT", StringComparison.Ordinal) && l.Contains("Status: error", StringComparison.Ordinal), 2) >= 2);
    }
}
