namespace FaasD.Gateway.Alerts;

/// <summary>
/// The CE gateway's alert arithmetic (openfaas-extras.md §2): max = min(label max, 5), step = ceil(max / 100 × factor);
/// a firing alert adds one step up to max, any other status goes back to min.
/// </summary>
internal static class AlertScaling
{
    public const int DefaultMin = 1;
    public const int DefaultMax = 5;
    public const int MaxCap = 5;
    public const int DefaultFactor = 10;

    /// <summary>The replica count after the alert, or an error for a bad factor label.</summary>
    public static (int Replicas, string? Error) Next(bool firing, int current, IReadOnlyDictionary<string, string> labels)
    {
        var min = Read(labels, "com.openfaas.scale.min", DefaultMin);
        var max = Math.Min(Read(labels, "com.openfaas.scale.max", DefaultMax), MaxCap);
        var factor = Read(labels, "com.openfaas.scale.factor", DefaultFactor);
        if (factor is < 1 or > 100)
        {
            return (current, $"bad scaling factor: {factor}, must be between 1 and 100");
        }

        if (!firing)
        {
            return (min, null);
        }

        var step = (int)Math.Ceiling(max / 100.0 * factor);
        return (Math.Min(current + step, max), null);
    }

    private static int Read(IReadOnlyDictionary<string, string> labels, string key, int fallback) =>
        labels.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
