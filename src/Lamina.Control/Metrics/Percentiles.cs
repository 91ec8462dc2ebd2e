namespace Lamina.Control.Metrics;

/// <summary>Nearest-rank percentiles of a sample (what CloudWatch's pNN statistics approximate).</summary>
public static class Percentiles
{
    /// <summary>The value at rank ⌈q·n⌉ of the sorted sample; null for an empty sample.</summary>
    public static double? Of(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return null;
        var rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
