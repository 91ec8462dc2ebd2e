using Lamina.Registry.Storage;

namespace Lamina.Registry.Ecr.Lifecycle;

/// <summary>
/// Decides which images a lifecycle policy expires, as a pure function of the images and the time.
/// ECR's documented semantics:
/// <list type="bullet">
/// <item>rules run from the lowest rulePriority up; an image is expired by one rule or none;</item>
/// <item>an image whose tags satisfy a rule is that rule's: no later rule may expire it, though later rules
///   still see it when they rank images (so counts include it);</item>
/// <item>imageCountMoreThan ranks the selected images newest first and expires those past the count;
///   sinceImagePushed expires those pushed more than countNumber days ago; older images always go first.</item>
/// </list>
/// </summary>
public static class LifecycleEvaluator
{
    /// <summary>An image to expire and the priority of the rule that expires it.</summary>
    public sealed record Expiry(ImageRecord Image, int RulePriority);

    /// <remarks>
    /// Manifests referenced by an index in the same repository (the platform images of a multi-arch image) are
    /// never considered on their own: they live and die with their index, so an index is never left dangling.
    /// </remarks>
    public static IReadOnlyList<Expiry> Evaluate(LifecyclePolicy policy, IReadOnlyList<ImageRecord> allImages, DateTimeOffset now)
    {
        var children = allImages.SelectMany(i => i.Manifest.References).Select(d => d.Digest).ToHashSet();
        var images = allImages.Where(i => !children.Contains(i.Manifest.Digest)).ToList();
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var expired = new List<Expiry>();
        foreach (var rule in policy.Rules.OrderBy(r => r.RulePriority))
        {
            // Newest first; the digest breaks ties so the outcome never depends on storage order.
            var selected = images.Where(i => rule.Selects(i.Tags))
                .OrderByDescending(i => i.Manifest.PushedAt)
                .ThenBy(i => i.Manifest.Digest.ToString(), StringComparer.Ordinal)
                .ToList();
            var candidates = rule.CountType == CountType.ImageCountMoreThan
                ? selected.Skip(rule.CountNumber)
                : selected.Where(i => i.Manifest.PushedAt < now - TimeSpan.FromDays(rule.CountNumber));
            foreach (var image in candidates)
            {
                if (!claimed.Contains(image.Manifest.Digest.ToString())) expired.Add(new Expiry(image, rule.RulePriority));
            }
            foreach (var image in selected) claimed.Add(image.Manifest.Digest.ToString());
        }
        return expired.OrderBy(e => e.Image.Manifest.PushedAt).ToList();
    }
}
