using System.Text.RegularExpressions;

namespace Lamina.Agent.Runtime;

/// <summary>
/// Error types the platform reports, and the normalisation of types a runtime posts in
/// Lambda-Runtime-Function-Error-Type: a type matching <c>(Runtime|Function)\.[A-Z][a-zA-Z]+</c>
/// is kept; any other becomes Function.Unknown when it starts with "Function." and
/// Runtime.Unknown otherwise (including a missing header).
/// </summary>
internal static partial class RuntimeErrorTypes
{
    public const string FunctionUnknown = "Function.Unknown";
    public const string RuntimeUnknown = "Runtime.Unknown";
    public const string ExitError = "Runtime.ExitError";
    public const string InvalidEntrypoint = "Runtime.InvalidEntrypoint";
    public const string SandboxTimedout = "Sandbox.Timedout";

    [GeneratedRegex(@"^(Runtime|Function)\.[A-Z][a-zA-Z]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Valid();

    /// <summary>The type to record for a posted error type.</summary>
    public static string Normalise(string? posted)
    {
        if (posted is not null && Valid().IsMatch(posted))
        {
            return posted;
        }
        return posted is not null && posted.StartsWith("Function.", StringComparison.Ordinal) ? FunctionUnknown : RuntimeUnknown;
    }
}
