using Lamina.Registry.Ecr.Lifecycle;

namespace Lamina.Registry.Tests.Ecr;

public class LifecyclePolicyParserTests
{
    private static string Rule(int priority, string selection, string action = """{"type":"expire"}""") =>
        $$"""{"rulePriority":{{priority}},"selection":{{{selection}}},"action":{{action}}}""";

    private static string? ErrorOf(params string[] rules) => LifecyclePolicyParser.Parse($$"""{"rules":[{{string.Join(',', rules)}}]}""").Error;

    private const string Count = "\"countType\":\"imageCountMoreThan\",\"countNumber\":3";

    [Fact]
    public void A_valid_policy_parses_into_rules_in_priority_order()
    {
        var (policy, error) = LifecyclePolicyParser.Parse($$"""{"rules":[{{Rule(5, "\"tagStatus\":\"any\"," + Count)}},{{Rule(1, "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"v\"],\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":14")}}]}""");
        Assert.Null(error);
        Assert.Equal([1, 5], policy!.Rules.Select(r => r.RulePriority));
        Assert.Equal(CountType.SinceImagePushed, policy.Rules[0].CountType);
        Assert.Equal(["v"], policy.Rules[0].TagPrefixList);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"rules":[]}""")]
    [InlineData("""{"nope":1}""")]
    public void Malformed_documents_are_refused(string text) => Assert.NotNull(LifecyclePolicyParser.Parse(text).Error);

    [Theory]
    [InlineData("\"tagStatus\":\"sometimes\"," + Count, "tagStatus")]
    [InlineData("\"tagStatus\":\"tagged\"," + Count, "tagPrefixList")]
    [InlineData("\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"a\"],\"tagPatternList\":[\"b*\"]," + Count, "not both")]
    [InlineData("\"tagStatus\":\"untagged\",\"tagPrefixList\":[\"a\"]," + Count, "only allowed")]
    [InlineData("\"tagStatus\":\"tagged\",\"tagPatternList\":[\"*a*b*c*d*e*\"]," + Count, "wildcards")]
    [InlineData("\"tagStatus\":\"any\",\"countType\":\"sinceImagePushed\",\"countNumber\":3", "countUnit")]
    [InlineData("\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countUnit\":\"days\",\"countNumber\":3", "countUnit")]
    [InlineData("\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":0", "countNumber")]
    [InlineData("\"tagStatus\":\"any\",\"countType\":\"sinceImagePulled\",\"countUnit\":\"days\",\"countNumber\":3", "countType")]
    public void Invalid_selections_are_refused_with_a_reason(string selection, string mentioned)
    {
        var error = ErrorOf(Rule(1, selection));
        Assert.NotNull(error);
        Assert.Contains(mentioned, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_set_constraints_are_enforced()
    {
        var any = "\"tagStatus\":\"any\"," + Count;
        var untagged = "\"tagStatus\":\"untagged\"," + Count;
        Assert.Contains("more than one rule", ErrorOf(Rule(1, untagged), Rule(1, any)), StringComparison.Ordinal);
        Assert.Contains("only one rule may select untagged", ErrorOf(Rule(1, untagged), Rule(2, untagged)), StringComparison.Ordinal);
        Assert.Contains("highest rulePriority", ErrorOf(Rule(1, any), Rule(2, untagged)), StringComparison.Ordinal);
        Assert.Contains("action", ErrorOf(Rule(1, any, """{"type":"transition"}""")), StringComparison.Ordinal);
        Assert.Contains("rulePriority", ErrorOf(Rule(0, any)), StringComparison.Ordinal);
    }
}
