using System.Text;
using Lamina.Oci;
using Lamina.Registry.Ecr.Lifecycle;
using Lamina.Registry.Storage;

namespace Lamina.Registry.Tests.Ecr;

/// <summary>The lifecycle rules as a pure function: images and a clock in, expired images out.</summary>
public class LifecycleEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An image pushed <paramref name="daysAgo"/> days before <see cref="Now"/>.</summary>
    private static ImageRecord Image(string name, double daysAgo, params string[] tags) => new(
        new ManifestRecord(Digest.Compute(Encoding.UTF8.GetBytes(name)), MediaTypes.OciManifest, 100, null, null, null, Now.AddDays(-daysAgo), []),
        tags, 1000);

    private static LifecyclePolicy Policy(string rulesJson)
    {
        var (policy, error) = LifecyclePolicyParser.Parse($$"""{"rules":[{{rulesJson}}]}""");
        Assert.True(policy is not null, error);
        return policy;
    }

    private static string[] Expired(LifecyclePolicy policy, params ImageRecord[] images) =>
        LifecycleEvaluator.Evaluate(policy, images, Now).Select(e => e.Image.Tags.Count > 0 ? e.Image.Tags[0] : e.Image.Manifest.Digest.ToString()[..12]).ToArray();

    private const string KeepTwoAny = """{"rulePriority":10,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}""";

    [Fact]
    public void Image_count_more_than_expires_the_oldest_beyond_the_count()
    {
        var images = new[] { Image("a", 5, "a"), Image("b", 1, "b"), Image("c", 3, "c"), Image("d", 2, "d"), Image("e", 4, "e") };
        Assert.Equal(["a", "e", "c"], Expired(Policy(KeepTwoAny), images));
    }

    [Fact]
    public void Since_image_pushed_expires_images_older_than_the_days()
    {
        var policy = Policy("""{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}}""");
        var untaggedOld = Image("old", 8);
        var untaggedNew = Image("new", 6);
        var taggedOld = Image("tagged", 30, "release");
        var expired = LifecycleEvaluator.Evaluate(policy, [untaggedOld, untaggedNew, taggedOld], Now);
        Assert.Equal([untaggedOld], expired.Select(e => e.Image));
        Assert.Equal(1, expired[0].RulePriority);
    }

    [Fact]
    public void Tag_prefixes_must_all_match_some_tag()
    {
        var policy = Policy("""{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["prod","v1"],"countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}""");
        Assert.Equal(["prod-a"], Expired(policy, Image("both", 5, "prod-a", "v1.2"), Image("one", 5, "prod-b"), Image("fresh", 0.5, "prod-c", "v1.3")));
    }

    [Fact]
    public void Tag_patterns_use_wildcards_and_must_all_match()
    {
        var policy = Policy("""{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["*-rc*"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}""");
        Assert.Equal(["1.0-rc1"], Expired(policy, Image("x", 3, "1.0-rc1"), Image("y", 2, "1.0-rc2"), Image("z", 5, "1.0")));
        Assert.True(LifecycleRule.WildcardMatch("prod*web*", "prod-eu-web-1"));
        Assert.False(LifecycleRule.WildcardMatch("prod*web", "prod-eu-web-1"));
        Assert.True(LifecycleRule.WildcardMatch("*", ""));
    }

    [Fact]
    public void An_image_selected_by_a_higher_priority_rule_is_never_expired_by_a_lower_one()
    {
        // Rule 1 keeps up to 5 "prod" images; rule 2 keeps 1 image of any kind. The prod images belong to
        // rule 1, so rule 2 may only expire the others - but still counts the prod images when ranking.
        var policy = Policy("""
            {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["prod"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}},
            {"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}
            """);
        var expired = LifecycleEvaluator.Evaluate(policy, [Image("p1", 1, "prod-1"), Image("p2", 2, "prod-2"), Image("dev", 0.5, "dev-1"), Image("old", 9)], Now);
        Assert.Equal(["old"], expired.Select(e => e.Image.Tags.Count == 0 ? "old" : e.Image.Tags[0]));
        Assert.All(expired, e => Assert.Equal(2, e.RulePriority));
    }

    [Fact]
    public void An_image_is_expired_by_at_most_one_rule()
    {
        var policy = Policy("""
            {"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}},
            {"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}
            """);
        var expired = LifecycleEvaluator.Evaluate(policy, [Image("u1", 3), Image("u2", 2), Image("t", 0.1, "t")], Now);
        Assert.Equal(2, expired.Count);
        Assert.Equal(expired.Count, expired.Select(e => e.Image.Manifest.Digest).Distinct().Count());
        Assert.All(expired, e => Assert.Equal(1, e.RulePriority));
    }

    [Fact]
    public void Platform_images_of_an_index_are_never_expired_on_their_own()
    {
        var child = Image("child", 10);
        var index = new ImageRecord(
            new ManifestRecord(Digest.Compute("index"u8), MediaTypes.OciIndex, 100, null, null, null, Now.AddDays(-10),
                [new Descriptor(MediaTypes.OciManifest, child.Manifest.Digest, 100)]),
            ["multi"], 1000);
        var policy = Policy("""{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}""");
        Assert.Empty(LifecycleEvaluator.Evaluate(policy, [index, child], Now));
    }

    [Fact]
    public void Nothing_is_expired_when_within_the_limits() =>
        Assert.Empty(Expired(Policy(KeepTwoAny), Image("a", 1, "a"), Image("b", 2)));
}
