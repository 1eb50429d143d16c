using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FaasD.Bench;

/// <summary>One printed table.</summary>
internal sealed record Table(string Title, IReadOnlyList<string> Header, List<string[]> Rows)
{
    public Table(string title, params string[] header) : this(title, header, []) { }

    public Table Add(params string[] row)
    {
        Rows.Add(row);
        return this;
    }
}

/// <summary>A figure checked against an issue's target (reported, never asserted).</summary>
internal sealed record TargetCheck(string Issue, string Metric, string Measured, string Target, bool? Met);

/// <summary>Collects tables, targets, notes and raw figures; prints them side by side and writes the JSON file.</summary>
internal sealed class Report
{
    private readonly List<Table> _tables = [];
    private readonly List<TargetCheck> _targets = [];
    private readonly List<string> _notes = [];

    public JsonObject Json { get; } = [];

    public void AddTable(Table table) => _tables.Add(table);

    public void AddTarget(string issue, string metric, string measured, string target, bool? met) =>
        _targets.Add(new TargetCheck(issue, metric, measured, target, met));

    public void AddNote(string note) => _notes.Add(note);

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var table in _tables)
        {
            Render(text, table);
        }

        if (_targets.Count > 0)
        {
            var targets = new Table("Targets (reported, not asserted)", "issue", "metric", "measured", "target", "met");
            foreach (var t in _targets)
            {
                targets.Add(t.Issue, t.Metric, t.Measured, t.Target, t.Met switch { true => "yes", false => "NO", null => "n/a" });
            }

            Render(text, targets);
        }

        if (_notes.Count > 0)
        {
            text.AppendLine("Notes:");
            foreach (var note in _notes)
            {
                text.Append("- ").AppendLine(note);
            }
        }

        return text.ToString();
    }

    public async Task WriteJsonAsync(string path)
    {
        Json["targets"] = new JsonArray(_targets.Select(t => (JsonNode)new JsonObject
        {
            ["issue"] = t.Issue,
            ["metric"] = t.Metric,
            ["measured"] = t.Measured,
            ["target"] = t.Target,
            ["met"] = t.Met,
        }).ToArray());
        Json["notes"] = new JsonArray(_notes.Select(n => (JsonNode)JsonValue.Create(n)).ToArray());
        Json["tables"] = new JsonArray(_tables.Select(t => (JsonNode)new JsonObject
        {
            ["title"] = t.Title,
            ["header"] = new JsonArray(t.Header.Select(h => (JsonNode)JsonValue.Create(h)).ToArray()),
            ["rows"] = new JsonArray(t.Rows.Select(r => (JsonNode)new JsonArray(r.Select(c => (JsonNode)JsonValue.Create(c)).ToArray())).ToArray()),
        }).ToArray());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, Json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    public static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString(value < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);

    public static string F(double value, string format = "0.0") => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    public static JsonObject ToJson(LatencyStats s) => new()
    {
        ["count"] = s.Count,
        ["p50Ms"] = Round(s.P50),
        ["p90Ms"] = Round(s.P90),
        ["p99Ms"] = Round(s.P99),
        ["meanMs"] = Round(s.Mean),
        ["minMs"] = Round(s.Min),
        ["maxMs"] = Round(s.Max),
    };

    public static JsonObject ToJson(LoadResult r) => new()
    {
        ["target"] = r.Target,
        ["concurrency"] = r.Concurrency,
        ["seconds"] = Round(r.Seconds),
        ["requests"] = r.Requests,
        ["errors"] = r.Errors,
        ["requestsPerSecond"] = Round(r.RequestsPerSecond),
        ["loadAverage1m"] = r.LoadAverage,
        ["latency"] = ToJson(r.Latency),
    };

    public static double? Round(double value) => double.IsNaN(value) ? null : Math.Round(value, 4);

    private static void Render(StringBuilder text, Table table)
    {
        var widths = table.Header.Select((h, i) => Math.Max(h.Length, table.Rows.Select(r => i < r.Length ? r[i].Length : 0).DefaultIfEmpty(0).Max())).ToArray();
        text.AppendLine().Append("## ").AppendLine(table.Title);
        AppendRow(text, table.Header, widths);
        text.Append('|');
        foreach (var w in widths)
        {
            text.Append(new string('-', w + 2)).Append('|');
        }

        text.AppendLine();
        foreach (var row in table.Rows)
        {
            AppendRow(text, row, widths);
        }
    }

    private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells, int[] widths)
    {
        text.Append('|');
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Count ? cells[i] : string.Empty;
            text.Append(' ').Append(i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i])).Append(" |");
        }

        text.AppendLine();
    }
}
