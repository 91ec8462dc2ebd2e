namespace Lamina.Runtimes;

/// <summary>A runtime image could not be built (a tool is missing or failed, an input is invalid); the message says which.</summary>
public sealed class RuntimeBuildException(string message) : Exception(message);
