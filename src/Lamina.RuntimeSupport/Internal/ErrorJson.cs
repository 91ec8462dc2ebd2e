using System.Buffers;
using System.Reflection;
using System.Text.Json;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// AWS's error document for /error and /init/error:
/// <c>{"errorType","errorMessage","stackTrace":[…],"cause":{…}}</c>. errorType is the exception's
/// type name (what AWS's .NET runtime reports), or the runtime's own type for <see cref="LambdaRuntimeException"/>;
/// wrappers from reflection and Task.Wait (TargetInvocationException, a one-exception AggregateException)
/// are unwrapped so the function's own exception is what the caller sees.
/// </summary>
internal static class ErrorJson
{
    /// <summary>The content type of the error document.</summary>
    public const string ContentType = "application/vnd.aws.lambda.error+json";

    /// <summary>Only what JSON requires is escaped: these documents go to logs and APIs, never into HTML,
    /// and "&lt;HandleAsync&gt;d__0" reads better than its \u003C escapes.</summary>
    internal static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Removes wrappers that only say "it failed somewhere else".</summary>
    public static Exception Unwrap(Exception exception)
    {
        while (true)
        {
            if (exception is TargetInvocationException { InnerException: { } inner }) exception = inner;
            else if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate) exception = aggregate.InnerExceptions[0];
            else return exception;
        }
    }

    /// <summary>The errorType for <paramref name="exception"/> (already unwrapped).</summary>
    public static string ErrorType(Exception exception) =>
        exception is LambdaRuntimeException runtime ? runtime.ErrorType : exception.GetType().Name;

    /// <summary>Writes the document for <paramref name="exception"/> (already unwrapped) into <paramref name="buffer"/>.</summary>
    public static void Write(Exception exception, IBufferWriter<byte> buffer)
    {
        using var writer = new Utf8JsonWriter(buffer, Relaxed);
        WriteObject(writer, exception, depth: 0);
    }

    private static void WriteObject(Utf8JsonWriter writer, Exception exception, int depth)
    {
        writer.WriteStartObject();
        writer.WriteString("errorType", ErrorType(exception));
        writer.WriteString("errorMessage", exception.Message);
        writer.WriteStartArray("stackTrace");
        foreach (var line in (exception.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            writer.WriteStringValue(line);
        writer.WriteEndArray();
        // Inner exceptions as nested causes, bounded so a pathological chain cannot blow the 6 MiB limit.
        if (exception.InnerException is { } inner && depth < 8)
        {
            writer.WritePropertyName("cause");
            WriteObject(writer, Unwrap(inner), depth + 1);
        }
        writer.WriteEndObject();
    }
}
