using System.Text.Json.Serialization;
using Lamina.Oci;

namespace Lamina.Registry.Auth;

/// <summary>
/// One grant of a token, as the distribution token spec writes scopes: <c>repository:NAME:pull,push</c>,
/// <c>registry:catalog:*</c>. A name or action of <c>*</c> matches everything (ECR authorization tokens).
/// </summary>
public sealed record TokenAccess(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("actions")] IReadOnlyList<string> Actions)
{
    /// <summary>Actions a token may carry; anything else a client asks for is not granted.</summary>
    public static readonly IReadOnlySet<string> KnownActions = new HashSet<string>(StringComparer.Ordinal) { "pull", "push", "delete", "*" };

    /// <summary>Everything: what an ECR authorization token and the access key pair grant.</summary>
    public static readonly TokenAccess All = new("*", "*", ["*"]);

    public string ToScope() => $"{Type}:{Name}:{string.Join(',', Actions)}";

    public bool Allows(string type, string name, string action) =>
        (Type == "*" || Type == type) && (Name == "*" || Name == name) && Actions.Any(a => a == "*" || a == action);

    /// <summary>
    /// Parses scope strings (each may hold several space-separated scopes). Unparseable scopes, invalid repository
    /// names and unknown actions are dropped: a token grants at most what was asked for and understood.
    /// </summary>
    public static List<TokenAccess> ParseScopes(IEnumerable<string?> scopes)
    {
        var result = new List<TokenAccess>();
        foreach (var scope in scopes.SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            var first = scope.IndexOf(':', StringComparison.Ordinal);
            var last = scope.LastIndexOf(':');
            if (first <= 0 || last == first) continue;
            var type = scope[..first];
            var paren = type.IndexOf('(', StringComparison.Ordinal); // repository(plugin) → repository
            if (paren > 0) type = type[..paren];
            var name = scope[(first + 1)..last];
            var actions = scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries).Where(KnownActions.Contains).Distinct().ToArray();
            var valid = type switch
            {
                "repository" => RepositoryName.IsValid(name),
                "registry" => name == "catalog",
                _ => false,
            };
            if (valid && actions.Length > 0) result.Add(new TokenAccess(type, name, actions));
        }
        return result;
    }
}
