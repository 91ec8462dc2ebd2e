namespace Lamina.Bench.Coldstart;

/// <summary>Samples per phase name, printed as p50 / p90 / min.</summary>
internal sealed class Stats
{
    private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public void Add(string phase, double ms)
    {
        if (!_samples.TryGetValue(phase, out var list))
        {
            _samples[phase] = list = [];
            _order.Add(phase);
        }
        list.Add(ms);
    }

    public double P50(string phase) => Percentile(_samples[phase], 0.5);

    public void Print(string title)
    {
        Console.WriteLine(title);
        foreach (var phase in _order)
        {
            var s = _samples[phase];
            // A phase labelled "(MiB)" is a size, every other one a duration.
            var unit = phase.EndsWith("(MiB)", StringComparison.Ordinal) ? "MiB" : "ms ";
            Console.WriteLine($"  {phase,-52} p50 {Percentile(s, 0.5),8:0.0} {unit}  p90 {Percentile(s, 0.9),8:0.0} {unit}  min {s.Min(),8:0.0} {unit}  (n={s.Count})");
        }
    }

    private static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
