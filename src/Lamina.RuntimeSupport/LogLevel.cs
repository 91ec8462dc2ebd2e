namespace Lamina.RuntimeSupport;

/// <summary>Log levels of <see cref="ILambdaLogger"/>, named as in Amazon.Lambda.Core.</summary>
public enum LogLevel
{
    /// <summary>Finest detail.</summary>
    Trace = 0,

    /// <summary>Diagnostic detail.</summary>
    Debug = 1,

    /// <summary>Normal operation (what Console output is logged at).</summary>
    Information = 2,

    /// <summary>Something unexpected that the function survived.</summary>
    Warning = 3,

    /// <summary>A failure (what Console.Error output is logged at).</summary>
    Error = 4,

    /// <summary>A failure the function cannot recover from.</summary>
    Critical = 5,
}
