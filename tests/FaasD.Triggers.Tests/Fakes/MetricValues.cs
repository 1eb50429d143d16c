using System.Globalization;
using System.Text;
using FaasD.Metrics;

namespace FaasD.Triggers.Tests.Fakes;

/// <summary>Reads one series from the daemon's Prometheus registry, as a scrape of /metrics would show it.</summary>
internal static class MetricValues
{
    /// <summary>The value of <paramref name="name"/> with exactly these labels (in declaration order); 0 when the series does not exist yet.</summary>
    public static async Task<double> ReadAsync(string name, params (string Name, string Value)[] labels)
    {
        using var stream = new MemoryStream();
        await FaasDMetrics.Registry.CollectAndExportAsTextAsync(stream, CancellationToken.None);
        var series = labels.Length == 0 ? name : name + "{" + string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\"")) + "}";
        foreach (var line in Encoding.UTF8.GetString(stream.ToArray()).Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
