namespace Lamina.Agent.Emulator;

/// <summary>
/// The variables that belong to the function, not to lamina-init. lamina-init is a .NET program whose runtime reads
/// DOTNET_*/COMPlus_* before Main, so the host hands the function's and the image's runtime settings over under
/// <see cref="HiddenPrefix"/> (Lamina.Sandbox's LambdaVariables, the same spelling), where the agent's runtime does not
/// look; the runtime and every extension get them back under their own names.
/// </summary>
internal static class ChildEnvironment
{
    /// <summary>The prefix the host put before each hidden name (a function's own variable cannot start with '_').</summary>
    public const string HiddenPrefix = "_LAMINA_FN_";

    /// <summary>Gives every hidden variable in <paramref name="env"/> its own name back (over a variable of that name
    /// the agent itself had). Run without the host (emulator mode), none is hidden: nothing changes unless the
    /// image or user chose to hide one the same way.</summary>
    public static void Restore(IDictionary<string, string?> env)
    {
        List<KeyValuePair<string, string?>>? hidden = null;
        foreach (var pair in env)
        {
            if (pair.Key.StartsWith(HiddenPrefix, StringComparison.Ordinal))
            {
                (hidden ??= []).Add(pair);
            }
        }
        if (hidden is null)
        {
            return;
        }
        foreach (var (name, value) in hidden)
        {
            env.Remove(name);
            if (name.Length > HiddenPrefix.Length)
            {
                env[name[HiddenPrefix.Length..]] = value;
            }
        }
    }
}
