using System.Diagnostics.CodeAnalysis;

namespace FaasD.Functions.Scaling;

/// <summary>One function's scale-to-zero behaviour: its labels over the daemon-wide defaults.</summary>
/// <param name="Enabled">Pause the function once it has been idle for <paramref name="IdleDuration"/>.</param>
/// <param name="IdleDuration">Time since the last request ended before the idler pauses the function.</param>
/// <param name="StopAfter">Time frozen before the task is stopped (deep sleep); null never stops it.</param>
internal sealed record ScaleToZeroSettings(bool Enabled, TimeSpan IdleDuration, TimeSpan? StopAfter)
{
    public static ScaleToZeroSettings FromDefaults(ScaleToZeroOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.DefaultEnabled, options.DefaultIdleDuration, options.DefaultStopAfter);
    }

    /// <summary>Reads the labels; on a bad value returns false with a message fit for a 400 answer.</summary>
    public static bool TryParse(
        IReadOnlyDictionary<string, string>? labels,
        ScaleToZeroOptions defaults,
        [NotNullWhen(true)] out ScaleToZeroSettings? settings,
        [NotNullWhen(false)] out string? error)
    {
        settings = FromDefaults(defaults);
        error = null;
        if (labels is null)
        {
            return true;
        }

        var enabled = settings.Enabled;
        if (labels.TryGetValue(ScaleToZeroLabels.Enabled, out var enabledText) && !TryParseBool(enabledText, out enabled))
        {
            error = $"invalid label {ScaleToZeroLabels.Enabled}=\"{enabledText}\": use true or false";
        }

        var idle = settings.IdleDuration;
        if (error is null && labels.TryGetValue(ScaleToZeroLabels.IdleDuration, out var idleText)
            && (!GoDuration.TryParse(idleText, out idle) || idle <= TimeSpan.Zero))
        {
            error = $"invalid label {ScaleToZeroLabels.IdleDuration}=\"{idleText}\": use a duration longer than zero such as 30s, 5m or 1h30m";
        }

        var stopAfter = settings.StopAfter;
        if (error is null && labels.TryGetValue(ScaleToZeroLabels.StopAfter, out var stopText))
        {
            if (!GoDuration.TryParse(stopText, out var parsed) || parsed < TimeSpan.Zero)
            {
                error = $"invalid label {ScaleToZeroLabels.StopAfter}=\"{stopText}\": use a duration such as 30m or 2h, or 0 to never stop";
            }
            else
            {
                stopAfter = parsed == TimeSpan.Zero ? null : parsed;
            }
        }

        if (error is not null)
        {
            settings = null;
            return false;
        }

        settings = new ScaleToZeroSettings(enabled, idle, stopAfter);
        return true;
    }

    /// <summary>Like <see cref="TryParse"/>, for the deploy path: a bad label throws Invalid (400).</summary>
    public static ScaleToZeroSettings Parse(IReadOnlyDictionary<string, string>? labels, ScaleToZeroOptions defaults) =>
        TryParse(labels, defaults, out var settings, out var error)
            ? settings
            : throw new FunctionPlatformException(FunctionErrorKind.Invalid, error);

    /// <summary>Go's strconv.ParseBool spellings, which OpenFaaS accepts.</summary>
    private static bool TryParseBool(string? text, out bool value)
    {
        switch (text?.Trim())
        {
            case "1" or "t" or "T" or "true" or "TRUE" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "false" or "FALSE" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
