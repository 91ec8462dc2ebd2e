namespace Lamina.RuntimeSupport.Tests.Fixtures;

/// <summary>Class-library handlers of other shapes, served from this test assembly by the managed host
/// (handler <c>Lamina.RuntimeSupport.Tests::Lamina.RuntimeSupport.Tests.Fixtures.ClassLibraryHandlers::…</c>).</summary>
public static class ClassLibraryHandlers
{
    /// <summary>Raw bytes in, the same bytes out.</summary>
    public static Stream Echo(Stream input)
    {
        var copy = new MemoryStream();
        input.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }

    /// <summary>No event, no result.</summary>
    public static void Nothing(ILambdaContext context) => context.Logger.LogInformation("nothing happened");

    /// <summary>Two events: not a handler shape (init error).</summary>
    public static string TwoEvents(string first, string second) => first + second;

    /// <summary>Context first, a ValueTask result.</summary>
    public static async ValueTask<int> Count(ILambdaContext context, int[] values)
    {
        await Task.Yield();
        return values.Length;
    }
}

/// <summary>A handler type whose constructor fails: an init error of the constructor's exception type.</summary>
public sealed class ThrowingConstructor
{
    public ThrowingConstructor() => throw new InvalidOperationException("constructor failed");

    public string Handle() => "never";
}
