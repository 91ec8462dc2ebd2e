namespace Lamina.RuntimeSupport;

/// <summary>The caller's client context (X-Amz-Client-Context, delivered as Lambda-Runtime-Client-Context).</summary>
public interface IClientContext
{
    /// <summary>The <c>env</c> object's string values.</summary>
    IDictionary<string, string> Environment { get; }

    /// <summary>The <c>client</c> object.</summary>
    IClientApplication Client { get; }

    /// <summary>The <c>custom</c> object's string values.</summary>
    IDictionary<string, string> Custom { get; }
}
