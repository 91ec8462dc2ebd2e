using System.Text.Json;

namespace Lamina.Registry.Ecr.Lifecycle;

/// <summary>
/// Parses and validates lifecycle policy text with ECR's rules. Failures come back as a message that
/// ECR's API layer wraps in an InvalidParameterException; nothing is stored unless the whole policy is valid.
/// </summary>
public static class LifecyclePolicyParser
{
    public const int MaxLength = 30720;

    public static (LifecyclePolicy? Policy, string? Error) Parse(string text)
    {
        if (text.Length > MaxLength) return (null, $"the policy is longer than {MaxLength} characters");
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
                return (null, "the policy must be an object with a 'rules' array");
            if (rules.GetArrayLength() == 0) return (null, "'rules' must hold at least one rule");
            var parsed = new List<LifecycleRule>();
            foreach (var element in rules.EnumerateArray())
            {
                var (rule, error) = ParseRule(element);
                if (rule is null) return (null, error);
                parsed.Add(rule);
            }
            var error2 = CheckRuleSet(parsed);
            return error2 is null ? (new LifecyclePolicy(parsed.OrderBy(r => r.RulePriority).ToList()), null) : (null, error2);
        }
        catch (JsonException e)
        {
            return (null, "the policy is not valid JSON: " + e.Message);
        }
    }

    private static (LifecycleRule?, string?) ParseRule(JsonElement rule)
    {
        if (rule.ValueKind != JsonValueKind.Object) return (null, "each rule must be an object");
        if (!rule.TryGetProperty("rulePriority", out var priorityElement) || !priorityElement.TryGetInt32(out var priority) || priority < 1)
            return (null, "each rule needs a 'rulePriority' that is a positive integer");
        var where = $"rule {priority}: ";
        string? description = rule.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;

        if (!rule.TryGetProperty("selection", out var selection) || selection.ValueKind != JsonValueKind.Object)
            return (null, where + "'selection' is required");
        TagStatusSelection? tagStatus = String(selection, "tagStatus") switch
        {
            "tagged" => TagStatusSelection.Tagged,
            "untagged" => TagStatusSelection.Untagged,
            "any" => TagStatusSelection.Any,
            _ => null,
        };
        if (tagStatus is null) return (null, where + "'tagStatus' must be 'tagged', 'untagged' or 'any'");
        var prefixes = Strings(selection, "tagPrefixList");
        var patterns = Strings(selection, "tagPatternList");
        if (prefixes is null || patterns is null) return (null, where + "'tagPrefixList' and 'tagPatternList' must be lists of non-empty strings");
        if (tagStatus == TagStatusSelection.Tagged && prefixes.Count + patterns.Count == 0)
            return (null, where + "a 'tagged' rule needs a 'tagPrefixList' or a 'tagPatternList'");
        if (prefixes.Count > 0 && patterns.Count > 0) return (null, where + "use 'tagPrefixList' or 'tagPatternList', not both");
        if (tagStatus != TagStatusSelection.Tagged && prefixes.Count + patterns.Count > 0)
            return (null, where + "tag lists are only allowed when 'tagStatus' is 'tagged'");
        if (patterns.Any(p => p.Count(c => c == '*') > 4)) return (null, where + "a tag pattern may hold at most 4 wildcards");
        if (String(selection, "storageClass") is { } storageClass && storageClass != "standard")
            return (null, where + $"storageClass '{storageClass}' is not supported");

        CountType? countType = String(selection, "countType") switch
        {
            "imageCountMoreThan" => CountType.ImageCountMoreThan,
            "sinceImagePushed" => CountType.SinceImagePushed,
            _ => null,
        };
        if (countType is null) return (null, where + "'countType' must be 'imageCountMoreThan' or 'sinceImagePushed'");
        if (!selection.TryGetProperty("countNumber", out var n) || !n.TryGetInt32(out var countNumber) || countNumber < 1)
            return (null, where + "'countNumber' must be a positive integer");
        var countUnit = String(selection, "countUnit");
        if (countType == CountType.SinceImagePushed && countUnit != "days") return (null, where + "'sinceImagePushed' needs 'countUnit': 'days'");
        if (countType == CountType.ImageCountMoreThan && countUnit is not null) return (null, where + "'countUnit' is not allowed with 'imageCountMoreThan'");

        if (!rule.TryGetProperty("action", out var action) || String(action, "type") != "expire")
            return (null, where + "'action' must be {\"type\": \"expire\"}");
        return (new LifecycleRule(priority, description, tagStatus.Value, prefixes, patterns, countType.Value, countNumber), null);
    }

    private static string? CheckRuleSet(List<LifecycleRule> rules)
    {
        var duplicate = rules.GroupBy(r => r.RulePriority).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) return $"rulePriority {duplicate.Key} is used by more than one rule";
        if (rules.Count(r => r.TagStatus == TagStatusSelection.Untagged) > 1) return "only one rule may select untagged images";
        var any = rules.Where(r => r.TagStatus == TagStatusSelection.Any).ToList();
        if (any.Count > 1) return "only one rule may have 'tagStatus': 'any'";
        if (any.Count == 1 && rules.Any(r => r.RulePriority > any[0].RulePriority))
            return "the rule with 'tagStatus': 'any' must have the highest rulePriority";
        return null;
    }

    private static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The list's strings; empty when absent; null when present but not a list of non-empty strings.</summary>
    private static List<string>? Strings(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var list)) return [];
        if (list.ValueKind != JsonValueKind.Array) return null;
        var result = new List<string>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString())) return null;
            result.Add(item.GetString()!);
        }
        return result;
    }
}
