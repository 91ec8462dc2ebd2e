using System.Globalization;
using System.Text;

namespace Lamina.Bench.Invoke;

/// <summary>Medians over repetitions of results.tsv and scaleout.tsv, as the markdown tables of the README.</summary>
internal static class Summary
{
    public static void Write(string tsv, string scaleTsv, string markdown)
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = Read(tsv);
        var md = new StringBuilder();
        md.AppendLine("| clients | requests | Lamina p50 ms | echo p50 ms | p50 ratio | Lamina p99 ms | echo p99 ms | Lamina invokes/s | echo req/s | throughput ratio | Lamina CPU ms/invoke (process + sandboxes) | echo CPU ms/req | errors | load1 | reps |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var g in rows.GroupBy(r => r["clients"]).OrderBy(g => int.Parse(g.Key, inv)))
        {
            double M(string col) => Stats.Median(g.Select(r => double.Parse(r[col], inv)));
            md.AppendLine(string.Create(inv,
                $"| {g.Key} | {g.First()["requests"]} | {M("lamina_p50_ms"):F2} | {M("echo_p50_ms"):F2} | {M("lamina_p50_ms") / M("echo_p50_ms"):F1}× | {M("lamina_p99_ms"):F2} | {M("echo_p99_ms"):F2} | {M("lamina_per_s"):F0} | {M("echo_per_s"):F0} | {M("lamina_per_s") / M("echo_per_s"):F2} | {M("lamina_cpu_ms"):F3} + {M("sandbox_cpu_ms"):F3} | {M("echo_cpu_ms"):F3} | {g.Sum(r => int.Parse(r["lamina_errors"], inv))} | {string.Join(", ", g.Select(r => r["load1"]))} | {g.Count()} |"));
        }
        md.AppendLine();
        md.AppendLine("| scale-out to | environments | all placed s (median) | all serving s (median) | per rep all serving s | first invokes | errors | load1 | CPU ms per environment (median: process + runtime CLIs + sandboxes) |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        var scale = Read(scaleTsv);
        if (scale.Count > 0)
        {
            double M(string col) => Stats.Median(scale.Select(r => double.Parse(r[col], inv)));
            md.AppendLine(string.Create(inv,
                $"| 100 | {string.Join(", ", scale.Select(r => r["environments"]))} | {M("all_placed_s"):F2} | {M("all_served_s"):F2} | {string.Join(", ", scale.Select(r => r["all_served_s"]))} | {string.Join(", ", scale.Select(r => r["count1_answers"]))} | {scale.Sum(r => int.Parse(r["errors"], inv))} | {string.Join(", ", scale.Select(r => r["load1"]))} | {M("cpu_ms_per_env"):F1} ({M("process_ms_per_env"):F1} + {M("clis_ms_per_env"):F1} + {M("sandboxes_ms_per_env"):F1}) |"));
        }
        File.WriteAllText(markdown, md.ToString());
    }

    private static List<Dictionary<string, string>> Read(string tsv)
    {
        var lines = File.ReadAllLines(tsv);
        var header = lines[0].Split('\t');
        return lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => header.Zip(l.Split('\t')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }
}
