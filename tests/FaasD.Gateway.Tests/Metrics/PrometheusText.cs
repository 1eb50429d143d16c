using System.Globalization;

namespace FaasD.Gateway.Tests.Metrics;

/// <summary>A parsed Prometheus text exposition: series (name and labels as written) → value.</summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public PrometheusText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var valueStart = line.LastIndexOf(' ');
            var series = line[..valueStart];
            var value = double.Parse(line[(valueStart + 1)..], CultureInfo.InvariantCulture);
            var brace = series.IndexOf('{', StringComparison.Ordinal);
            var labels = new Dictionary<string, string>();
            if (brace >= 0)
            {
                foreach (var pair in series[(brace + 1)..^1].Split("\",", StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..eq]] = pair[(eq + 2)..].TrimEnd('"');
                }
            }

            _samples.Add((brace >= 0 ? series[..brace] : series, labels, value));
        }
    }

    public string Text { get; }

    /// <summary>Samples of a metric whose labels include all of <paramref name="labels"/> ("k=v").</summary>
    public IReadOnlyList<(Dictionary<string, string> Labels, double Value)> Samples(string name, params string[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l[..l.IndexOf('=', StringComparison.Ordinal)], out var v) && v == l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            .Select(s => (s.Labels, s.Value))
            .ToList();

    /// <summary>The single sample matching, or null when there is none.</summary>
    public double? Value(string name, params string[] labels)
    {
        var found = Samples(name, labels);
        return found.Count switch
        {
            0 => null,
            1 => found[0].Value,
            _ => throw new InvalidOperationException($"{found.Count} samples of {name} match {string.Join(',', labels)}"),
        };
    }

    public bool HasType(string name, string type) => Text.Contains($"# TYPE {name} {type}\n", StringComparison.Ordinal);
}
