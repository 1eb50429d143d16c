using System.Diagnostics.CodeAnalysis;

namespace FaasD.Functions.Autoscaling;

/// <summary>
/// One function's replica bounds and autoscaling rule, read from its labels. The autoscaler acts only on functions
/// that ask for it (a type, target or max label) and whose max is above min.
/// </summary>
public sealed record ScalingSettings(
    int Min,
    int Max,
    ScaleType Type,
    double Target,
    double TargetProportion,
    TimeSpan? DownWindow,
    bool Requested)
{
    public const int DefaultMax = 20;
    public const double DefaultTarget = 50;
    public const double DefaultTargetProportion = 0.90;

    public static ScalingSettings Default { get; } = new(1, DefaultMax, ScaleType.Rps, DefaultTarget, DefaultTargetProportion, null, false);

    /// <summary>The autoscaler may change this function's replica count.</summary>
    public bool Autoscaled => Requested && Max > Min;

    /// <summary>A requested replica count within [min, max].</summary>
    public int Clamp(int replicas) => Math.Clamp(replicas, Min, Max);

    public static ScalingSettings Parse(IReadOnlyDictionary<string, string>? labels) =>
        TryParse(labels, out var settings, out _) ? settings : Default;

    /// <summary>Reads the labels; on a bad value returns false with a message fit for a 400 answer.</summary>
    public static bool TryParse(IReadOnlyDictionary<string, string>? labels, [NotNullWhen(true)] out ScalingSettings? settings, [NotNullWhen(false)] out string? error)
    {
        settings = null;
        error = null;
        labels ??= new Dictionary<string, string>();
        var min = 1;
        var max = DefaultMax;
        var type = ScaleType.Rps;
        var target = DefaultTarget;
        var proportion = DefaultTargetProportion;
        TimeSpan? downWindow = null;

        if (labels.TryGetValue(ScalingLabels.Min, out var text) && (!TryInt(text, out min) || min < 1))
        {
            error = Invalid(ScalingLabels.Min, text, "use a whole number of at least 1");
        }
        else if (labels.TryGetValue(ScalingLabels.Max, out text) && (!TryInt(text, out max) || max < 1))
        {
            error = Invalid(ScalingLabels.Max, text, "use a whole number of at least 1");
        }
        else if (max < min)
        {
            error = $"label {ScalingLabels.Max}={max} is below {ScalingLabels.Min}={min}";
        }
        else if (labels.TryGetValue(ScalingLabels.Type, out text) && !TryType(text, out type))
        {
            error = Invalid(ScalingLabels.Type, text, "use rps, capacity or cpu");
        }
        else if (labels.TryGetValue(ScalingLabels.Target, out text)
            && (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out target) || !(target > 0) || double.IsInfinity(target)))
        {
            error = Invalid(ScalingLabels.Target, text, "use a number above 0");
        }
        else if (labels.TryGetValue(ScalingLabels.TargetProportion, out text)
            && (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out proportion) || !(proportion > 0) || proportion > 1))
        {
            error = Invalid(ScalingLabels.TargetProportion, text, "use a number above 0 and at most 1, such as 0.9");
        }
        else if (labels.TryGetValue(ScalingLabels.DownWindow, out text))
        {
            if (!GoDuration.TryParse(text, out var window) || window < TimeSpan.Zero)
            {
                error = Invalid(ScalingLabels.DownWindow, text, "use a duration such as 30s or 5m");
            }
            else
            {
                downWindow = window;
            }
        }

        if (error is not null)
        {
            return false;
        }

        var requested = labels.ContainsKey(ScalingLabels.Type) || labels.ContainsKey(ScalingLabels.Target) || labels.ContainsKey(ScalingLabels.Max);
        settings = new ScalingSettings(min, max, type, target, proportion, downWindow, requested);
        return true;
    }

    private static string Invalid(string label, string? text, string hint) => $"invalid label {label}=\"{text}\": {hint}";

    private static bool TryInt(string? text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static bool TryType(string? text, out ScaleType type)
    {
        type = text?.Trim().ToLowerInvariant() switch
        {
            "rps" => ScaleType.Rps,
            "capacity" => ScaleType.Capacity,
            "cpu" => ScaleType.Cpu,
            _ => (ScaleType)(-1),
        };
        return Enum.IsDefined(type);
    }
}
