using Lamina.RuntimeSupport.ClassLibrary;
using Lamina.RuntimeSupport.Internal;

namespace Lamina.RuntimeSupport.Tests.Unit;

public sealed class HandlerStringTests
{
    [Fact]
    public void Parses_assembly_type_and_method()
    {
        var h = HandlerString.Parse("My.Fn::My.Fn.Function::Handle");
        Assert.Equal(new HandlerString("My.Fn", "My.Fn.Function", "Handle"), h);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("A::B")]
    [InlineData("A::B::C::D")]
    [InlineData("A:: ::C")]
    [InlineData("A.B.C")]
    public void Anything_but_three_non_empty_parts_is_a_malformed_handler(string? handler)
    {
        var e = Assert.Throws<LambdaRuntimeException>(() => HandlerString.Parse(handler));
        Assert.Equal("Runtime.MalformedHandlerName", e.ErrorType);
        Assert.Contains("Assembly::Namespace.Type::Method", e.Message, StringComparison.Ordinal);
    }
}
