using Lamina.RuntimeSupport.Internal;

namespace Lamina.RuntimeSupport.ClassLibrary;

/// <summary>The managed runtime's handler string <c>Assembly::Namespace.Type::Method</c>.</summary>
internal sealed record HandlerString(string Assembly, string Type, string Method)
{
    /// <summary>Parses <paramref name="handler"/>; a <see cref="LambdaRuntimeException"/> (Runtime.MalformedHandlerName)
    /// saying what the form should be when it is not three non-empty parts.</summary>
    public static HandlerString Parse(string? handler)
    {
        var parts = (handler ?? "").Split("::");
        if (parts.Length != 3 || parts.Any(p => p.Trim().Length == 0))
            throw new LambdaRuntimeException("Runtime.MalformedHandlerName",
                $"Handler '{handler}' is not of the form Assembly::Namespace.Type::Method (set it as the image CMD or _HANDLER).");
        return new HandlerString(parts[0].Trim(), parts[1].Trim(), parts[2].Trim());
    }
}
