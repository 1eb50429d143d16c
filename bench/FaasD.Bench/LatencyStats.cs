namespace FaasD.Bench;

/// <summary>Summary of a set of latencies in milliseconds (nearest-rank percentiles).</summary>
internal sealed record LatencyStats(int Count, double P50, double P90, double P99, double Mean, double Min, double Max)
{
    public static LatencyStats Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static LatencyStats Of(IEnumerable<double> samplesMs)
    {
        var sorted = samplesMs.Order().ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        return new LatencyStats(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99), sorted.Average(), sorted[0], sorted[^1]);
    }

    public static double Median(IEnumerable<double> samples) => Of(samples).P50;

    private static double Percentile(double[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
