using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Lamina.Cli;

/// <summary>Rendering helpers: JSON for scripts, Spectre tables for people.</summary>
internal static class Output
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Json(JsonNode? node) => Console.Out.WriteLine(node?.ToJsonString(Indented) ?? "null");

    public static void Json(JsonElement element) => Console.Out.WriteLine(JsonSerializer.Serialize(element, Indented));

    /// <summary>A borderless table with the given headers and rows (cells escaped).</summary>
    public static void Table(string[] headers, IEnumerable<string[]> rows)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var h in headers) table.AddColumn(new TableColumn(Markup.Escape(h)));
        foreach (var row in rows) table.AddRow(row.Select(c => new Text(c)).ToArray());
        AnsiConsole.Write(table);
    }

    public static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText()
            : "";

    public static string Bytes(long n) => n switch
    {
        < 1024 => $"{n} B",
        < 1024 * 1024 => $"{n / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{n / (1024.0 * 1024):0.0} MiB",
        _ => $"{n / (1024.0 * 1024 * 1024):0.00} GiB",
    };
}
