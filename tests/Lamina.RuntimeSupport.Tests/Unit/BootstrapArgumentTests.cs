namespace Lamina.RuntimeSupport.Tests.Unit;

/// <summary>Programming errors in the entry points are refused before anything starts.</summary>
public sealed class BootstrapArgumentTests
{
    [Fact]
    public async Task Null_handlers_and_a_content_type_that_would_inject_headers_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => LambdaBootstrap.RunAsync((Func<Stream, ILambdaContext, Task<Stream>>)null!));
        await Assert.ThrowsAsync<ArgumentException>(() => LambdaBootstrap.RunStreamingAsync((_, _, _) => Task.CompletedTask, "text/plain\r\nX-Injected: 1"));
        await Assert.ThrowsAsync<ArgumentException>(() => LambdaBootstrap.RunStreamingAsync((_, _, _) => Task.CompletedTask, " "));
    }
}
