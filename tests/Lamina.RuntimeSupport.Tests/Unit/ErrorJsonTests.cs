using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Lamina.RuntimeSupport.Internal;

namespace Lamina.RuntimeSupport.Tests.Unit;

public sealed class ErrorJsonTests
{
    [Fact]
    public void Writes_type_message_stack_and_inner_exceptions_as_causes()
    {
        Exception thrown;
        try
        {
            try { throw new FormatException("inner <b>"); }
            catch (FormatException inner) { throw new InvalidOperationException("outer", inner); }
        }
        catch (InvalidOperationException e) { thrown = e; }

        var doc = Write(thrown);
        Assert.Equal("InvalidOperationException", doc.GetProperty("errorType").GetString());
        Assert.Equal("outer", doc.GetProperty("errorMessage").GetString());
        Assert.True(doc.GetProperty("stackTrace").GetArrayLength() > 0);
        var cause = doc.GetProperty("cause");
        Assert.Equal("FormatException", cause.GetProperty("errorType").GetString());
        Assert.Equal("inner <b>", cause.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public void Reflection_and_task_wrappers_are_unwrapped_and_runtime_errors_keep_their_type()
    {
        var wrapped = new TargetInvocationException(new AggregateException(new TimeoutException("late")));
        var error = ErrorJson.Unwrap(wrapped);
        Assert.IsType<TimeoutException>(error);
        Assert.Equal("TimeoutException", ErrorJson.ErrorType(error));
        Assert.Equal("Runtime.HandlerNotFound", ErrorJson.ErrorType(new LambdaRuntimeException("Runtime.HandlerNotFound", "no")));
        // Several inner exceptions: the aggregate itself is the error.
        var many = new AggregateException(new TimeoutException(), new FormatException());
        Assert.Same(many, ErrorJson.Unwrap(many));
    }

    [Fact]
    public void An_exception_never_thrown_has_an_empty_stack_trace()
    {
        var doc = Write(new InvalidOperationException("never thrown"));
        Assert.Equal(0, doc.GetProperty("stackTrace").GetArrayLength());
        Assert.False(doc.TryGetProperty("cause", out _));
    }

    private static JsonElement Write(Exception e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ErrorJson.Write(e, buffer);
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }
}
