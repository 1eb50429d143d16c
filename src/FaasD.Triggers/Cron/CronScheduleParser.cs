using Cronos;
using FaasD.Shared;

namespace FaasD.Triggers.Cron;

/// <summary>
/// The cron-connector dialect (robfig/cron v3's standard parser): five fields (minute hour day-of-month month
/// day-of-week), the descriptors <c>@yearly @annually @monthly @weekly @daily @midnight @hourly</c>,
/// <c>@every &lt;Go duration&gt;</c>, and an optional <c>CRON_TZ=&lt;zone&gt; </c> or <c>TZ=&lt;zone&gt; </c> prefix
/// with IANA zone names from the host's tz database. Cronos also accepts <c>L</c>, <c>W</c> and <c>#</c>, a superset.
/// </summary>
internal static class CronScheduleParser
{
    private static readonly string[] Descriptors = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

    public static bool TryParse(string text, TimeZoneInfo defaultZone, out CronSchedule schedule, out string? error)
    {
        schedule = null!;
        error = null;
        var spec = text.Trim();
        var zone = defaultZone;
        if (spec.StartsWith("CRON_TZ=", StringComparison.Ordinal) || spec.StartsWith("TZ=", StringComparison.Ordinal))
        {
            var space = spec.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                error = "a time zone prefix must be followed by a schedule";
                return false;
            }

            var zoneName = spec[(spec.IndexOf('=', StringComparison.Ordinal) + 1)..space];
            if (!TryFindZone(zoneName, out zone))
            {
                error = $"unknown time zone \"{zoneName}\"";
                return false;
            }

            spec = spec[(space + 1)..].Trim();
        }

        if (spec == "@every" || (spec.StartsWith("@every", StringComparison.Ordinal) && char.IsWhiteSpace(spec["@every".Length])))
        {
            return TryParseInterval(spec["@every".Length..], out schedule, out error);
        }

        if (spec.StartsWith('@') && !Descriptors.Contains(spec, StringComparer.Ordinal))
        {
            error = $"unknown descriptor \"{spec}\" (use {string.Join(", ", Descriptors)} or @every <duration>)";
            return false;
        }

        var fields = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!spec.StartsWith('@') && fields.Length != 5)
        {
            error = $"expected 5 fields (minute hour day-of-month month day-of-week), found {fields.Length}";
            return false;
        }

        try
        {
            var expression = CronExpression.Parse(string.Join(' ', fields), CronFormat.Standard);
            schedule = new CalendarSchedule(expression, zone);
            return true;
        }
        catch (CronFormatException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    /// <summary>As robfig/cron: the duration is cut to whole seconds and at least one second.</summary>
    private static bool TryParseInterval(string text, out CronSchedule schedule, out string? error)
    {
        schedule = null!;
        error = null;
        var durationText = text.Trim();
        if (text.Length == 0 || !char.IsWhiteSpace(text[0]) || !GoDuration.TryParse(durationText, out var interval))
        {
            error = $"@every needs a duration such as 30s, 5m or 1h30m, not \"{durationText}\"";
            return false;
        }

        if (interval <= TimeSpan.Zero)
        {
            error = "@every needs a positive duration";
            return false;
        }

        var seconds = Math.Max(1, (long)interval.TotalSeconds);
        schedule = new IntervalSchedule(TimeSpan.FromSeconds(seconds));
        return true;
    }

    private static bool TryFindZone(string name, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.Equals(name, "Local", StringComparison.Ordinal))
        {
            zone = TimeZoneInfo.Local;
            return true;
        }

        // Zone names are IANA ids; a path-like name must not escape the tz database.
        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal) || name.StartsWith('/'))
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(name);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}
