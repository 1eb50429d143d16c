using System.Globalization;

namespace FaasD.Watchdog.Configuration;

/// <summary>
/// Parses timeouts the way the upstream watchdogs do: a bare integer is seconds, anything else is a Go
/// duration (<c>500ms</c>, <c>10s</c>, <c>1m30s</c>, <c>1.5h</c>), so existing stack.yml files keep working.
/// </summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] s_units =
    [
        // A unit is the whole run of letters after a number, so "ms" never reads as "m".
        ("ns", 0.01),
        ("us", 10),
        ("µs", 10),
        ("μs", 10),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
    ];

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
            {
                return false;
            }

            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return TryParseGoSyntax(s, out value);
    }

    private static bool TryParseGoSyntax(string s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (s == "0")
        {
            return true;
        }

        double ticks = 0;
        var i = 0;
        while (i < s.Length)
        {
            var numberStart = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (i == numberStart || !double.TryParse(s.AsSpan(numberStart, i - numberStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            var unit = s[unitStart..i];
            var factor = Array.Find(s_units, u => u.Unit == unit).Ticks;
            if (factor == 0)
            {
                return false;
            }

            ticks += number * factor;
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }
}
