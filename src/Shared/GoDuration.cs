using System.Globalization;

namespace FaasD.Shared;

/// <summary>
/// Durations as Go's time.ParseDuration reads them (what OpenFaaS labels use): a sequence of decimal numbers,
/// each with a unit (ns, us, µs, ms, s, m, h), e.g. "300ms", "1.5h", "1h30m"; "0" alone is zero.
/// Shared as source (like AtomicFile.cs) because the watchdog is a standalone NativeAOT binary.
/// </summary>
internal static class GoDuration
{
    private const decimal MaxTicks = long.MaxValue;

    /// <summary>
    /// Timeouts as the upstream watchdogs read them: a bare whole number is seconds ("30"), anything else is a
    /// Go duration, so existing stack.yml files keep working. Negative values are refused.
    /// </summary>
    public static bool TryParseTimeout(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = (text ?? string.Empty).Trim();
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
            {
                return false;
            }

            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return !s.StartsWith('-') && TryParse(s, out value);
    }

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = (text ?? string.Empty).AsSpan().Trim();
        var negative = false;
        if (!s.IsEmpty && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        decimal ticks = 0;
        while (!s.IsEmpty)
        {
            var numberLength = s.IndexOfAnyExcept("0123456789.");
            if (numberLength <= 0)
            {
                return false; // no number, or a number without a unit
            }

            if (!decimal.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            s = s[numberLength..];
            var unitLength = s.IndexOfAny("0123456789.");
            var unit = unitLength < 0 ? s : s[..unitLength];
            s = unitLength < 0 ? [] : s[unitLength..];
            var ticksPerUnit = TicksPer(unit);
            if (ticksPerUnit == 0 || number > MaxTicks / ticksPerUnit)
            {
                return false;
            }

            ticks += number * ticksPerUnit;
            if (ticks > MaxTicks)
            {
                return false;
            }
        }

        var whole = (long)decimal.Round(ticks, MidpointRounding.AwayFromZero);
        value = TimeSpan.FromTicks(negative ? -whole : whole);
        return true;
    }

    /// <summary>Renders the way Go prints short durations: "30s", "5m", "1h30m", "500ms".</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value < TimeSpan.FromSeconds(1) && value > TimeSpan.FromSeconds(-1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.###}ms");
        }

        var sign = value < TimeSpan.Zero ? "-" : string.Empty;
        var abs = value.Duration();
        var hours = (long)abs.TotalHours;
        var text = hours > 0 ? $"{hours}h{abs.Minutes}m" : abs.Minutes > 0 ? $"{abs.Minutes}m" : string.Empty;
        var seconds = abs.Seconds + (abs.Milliseconds / 1000m);
        if (seconds != 0 || text.Length == 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"{seconds:0.###}s");
        }
        else if (hours > 0 && abs.Minutes == 0)
        {
            text = $"{hours}h";
        }

        return sign + text;
    }

    private static decimal TicksPer(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1m / 100,
        "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "s" => TimeSpan.TicksPerSecond,
        "m" => TimeSpan.TicksPerMinute,
        "h" => TimeSpan.TicksPerHour,
        _ => 0,
    };
}
