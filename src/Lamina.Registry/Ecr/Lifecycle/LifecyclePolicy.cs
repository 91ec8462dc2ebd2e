namespace Lamina.Registry.Ecr.Lifecycle;

/// <summary>A parsed, validated ECR lifecycle policy: its rules in evaluation order (ascending priority).</summary>
public sealed record LifecyclePolicy(IReadOnlyList<LifecycleRule> Rules);

public enum TagStatusSelection { Tagged, Untagged, Any }

public enum CountType { ImageCountMoreThan, SinceImagePushed }

/// <summary>
/// One rule: which images it selects (<see cref="TagStatus"/> plus all-of prefix or wildcard patterns) and
/// when those images expire (more than <see cref="CountNumber"/> of them, or pushed more than that many days ago).
/// </summary>
public sealed record LifecycleRule(
    int RulePriority,
    string? Description,
    TagStatusSelection TagStatus,
    IReadOnlyList<string> TagPrefixList,
    IReadOnlyList<string> TagPatternList,
    CountType CountType,
    int CountNumber)
{
    /// <summary>
    /// Whether the rule's tag requirements select the image. For tagged rules every prefix (or pattern) in the
    /// list must match at least one of the image's tags, as ECR documents.
    /// </summary>
    public bool Selects(IReadOnlyList<string> tags) => TagStatus switch
    {
        TagStatusSelection.Any => true,
        TagStatusSelection.Untagged => tags.Count == 0,
        _ => tags.Count > 0
            && TagPrefixList.All(prefix => tags.Any(t => t.StartsWith(prefix, StringComparison.Ordinal)))
            && TagPatternList.All(pattern => tags.Any(t => WildcardMatch(pattern, t))),
    };

    /// <summary>'*' matches any run of characters (possibly empty); everything else matches itself.</summary>
    public static bool WildcardMatch(string pattern, string value)
    {
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = v; }
            else if (p < pattern.Length && pattern[p] == value[v]) { p++; v++; }
            else if (star >= 0) { p = star + 1; v = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
