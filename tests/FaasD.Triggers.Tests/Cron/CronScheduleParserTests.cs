using FaasD.Triggers.Cron;
using NUnit.Framework;

namespace FaasD.Triggers.Tests.Cron;

internal sealed class CronScheduleParserTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static CronSchedule Parse(string text, TimeZoneInfo? defaultZone = null)
    {
        Assert.That(CronScheduleParser.TryParse(text, defaultZone ?? TimeZoneInfo.Utc, out var schedule, out var error), Is.True, error);
        return schedule;
    }

    /// <summary>The next <paramref name="count"/> firings after <paramref name="from"/>, each computed from the previous one.</summary>
    private static List<DateTimeOffset> Next(CronSchedule schedule, string from, int count, string? anchor = null)
    {
        var at = DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture);
        var anchorAt = anchor is null ? at : DateTimeOffset.Parse(anchor, System.Globalization.CultureInfo.InvariantCulture);
        var list = new List<DateTimeOffset>();
        for (var i = 0; i < count; i++)
        {
            at = schedule.NextAfter(at, anchorAt) ?? throw new AssertionException("no next firing");
            list.Add(at);
        }

        return list;
    }

    private static DateTimeOffset[] Utc(params string[] times) =>
        times.Select(t => DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Test]
    public void Five_fields_give_weekday_mornings()
    {
        // 2026-03-06 is a Friday: the next weekday 09:30 is Monday.
        Assert.That(Next(Parse("30 9 * * 1-5"), "2026-03-06T10:00:00Z", 3),
            Is.EqualTo(Utc("2026-03-09T09:30:00Z", "2026-03-10T09:30:00Z", "2026-03-11T09:30:00Z")));
    }

    [Test]
    public void Steps_and_lists_combine()
    {
        Assert.That(Next(Parse("0 */6 1,15 * *"), "2026-01-01T05:00:00Z", 4),
            Is.EqualTo(Utc("2026-01-01T06:00:00Z", "2026-01-01T12:00:00Z", "2026-01-01T18:00:00Z", "2026-01-15T00:00:00Z")));
    }

    [Test]
    public void Names_of_months_and_days_are_accepted()
    {
        Assert.That(Next(Parse("0 12 * JAN,FEB SUN"), "2026-01-01T00:00:00Z", 2),
            Is.EqualTo(Utc("2026-01-04T12:00:00Z", "2026-01-11T12:00:00Z")));
    }

    [TestCase("@hourly", "2026-05-05T10:15:00Z", "2026-05-05T11:00:00Z")]
    [TestCase("@daily", "2026-05-05T10:15:00Z", "2026-05-06T00:00:00Z")]
    [TestCase("@midnight", "2026-05-05T10:15:00Z", "2026-05-06T00:00:00Z")]
    [TestCase("@weekly", "2026-05-05T10:15:00Z", "2026-05-10T00:00:00Z")]
    [TestCase("@monthly", "2026-05-05T10:15:00Z", "2026-06-01T00:00:00Z")]
    [TestCase("@yearly", "2026-05-05T10:15:00Z", "2027-01-01T00:00:00Z")]
    [TestCase("@annually", "2026-05-05T10:15:00Z", "2027-01-01T00:00:00Z")]
    public void Descriptors_fire_at_the_start_of_their_period(string text, string from, string expected)
    {
        Assert.That(Next(Parse(text), from, 1), Is.EqualTo(Utc(expected)));
    }

    [Test]
    public void Cron_tz_prefix_follows_the_zone_offset_through_the_year()
    {
        var schedule = Parse("CRON_TZ=America/New_York 0 9 * * *");
        Assert.That(Next(schedule, "2026-01-10T00:00:00Z", 1), Is.EqualTo(Utc("2026-01-10T14:00:00Z")), "EST is UTC-5");
        Assert.That(Next(schedule, "2026-07-10T00:00:00Z", 1), Is.EqualTo(Utc("2026-07-10T13:00:00Z")), "EDT is UTC-4");
    }

    [Test]
    public void Tz_prefix_works_like_cron_tz()
    {
        // Europe/Berlin moves to CEST (UTC+2) at 01:00 UTC on 2026-03-29.
        Assert.That(Next(Parse("TZ=Europe/Berlin 0 9 * * *"), "2026-03-28T12:00:00Z", 2),
            Is.EqualTo(Utc("2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z")));
    }

    [Test]
    public void Without_a_prefix_the_default_zone_is_used()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        Assert.That(Next(Parse("0 0 * * *", tokyo), "2026-01-01T00:00:00Z", 1), Is.EqualTo(Utc("2026-01-01T15:00:00Z")));
    }

    [Test]
    public void A_time_skipped_by_spring_forward_fires_once_right_after_the_gap()
    {
        // 2026-03-08 02:00 EST jumps to 03:00 EDT: 02:30 does not exist that day.
        Assert.That(Next(Parse("30 2 * * *", NewYork), "2026-03-07T12:00:00Z", 2),
            Is.EqualTo(Utc("2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z")));
    }

    [Test]
    public void A_time_repeated_by_fall_back_fires_once()
    {
        // 2026-11-01 02:00 EDT goes back to 01:00 EST: 01:30 happens at 05:30Z and again at 06:30Z.
        Assert.That(Next(Parse("CRON_TZ=America/New_York 30 1 * * *"), "2026-11-01T00:00:00Z", 2),
            Is.EqualTo(Utc("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z")));
    }

    [Test]
    public void An_interval_expression_keeps_its_pace_through_fall_back()
    {
        Assert.That(Next(Parse("CRON_TZ=America/New_York */30 * * * *"), "2026-11-01T05:00:00Z", 4),
            Is.EqualTo(Utc("2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z")));
    }

    [Test]
    public void Every_counts_from_the_anchor_and_skips_missed_runs()
    {
        var schedule = Parse("@every 2s");
        Assert.That(Next(schedule, "2026-01-01T00:00:00Z", 3), Is.EqualTo(Utc("2026-01-01T00:00:02Z", "2026-01-01T00:00:04Z", "2026-01-01T00:00:06Z")));
        Assert.That(Next(schedule, "2026-01-01T00:00:09.500Z", 1, anchor: "2026-01-01T00:00:00Z"), Is.EqualTo(Utc("2026-01-01T00:00:10Z")));
    }

    [TestCase("@every 500ms", 1)]
    [TestCase("@every 1.7s", 1)]
    [TestCase("@every 1m30s", 90)]
    [TestCase("CRON_TZ=Asia/Tokyo @every 1h", 3600)]
    public void Every_is_whole_seconds_and_at_least_one(string text, int seconds)
    {
        Assert.That(((IntervalSchedule)Parse(text)).Interval, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [TestCase("* * * *", "expected 5 fields")]
    [TestCase("0 0 * * * *", "expected 5 fields")]
    [TestCase("61 * * * *", "")]
    [TestCase("* 25 * * *", "")]
    [TestCase("* * * 13 *", "")]
    [TestCase("@every", "@every needs a duration")]
    [TestCase("@every soon", "@every needs a duration")]
    [TestCase("@every -5s", "positive")]
    [TestCase("@every_minute", "unknown descriptor")]
    [TestCase("@fortnightly", "unknown descriptor")]
    [TestCase("CRON_TZ=Mars/Olympus_Mons * * * * *", "unknown time zone")]
    [TestCase("CRON_TZ=../../etc/passwd * * * * *", "unknown time zone")]
    [TestCase("CRON_TZ=America/New_York", "must be followed by a schedule")]
    [TestCase("", "expected 5 fields")]
    public void Invalid_schedules_are_refused_with_a_reason(string text, string reason)
    {
        Assert.That(CronScheduleParser.TryParse(text, TimeZoneInfo.Utc, out _, out var error), Is.False);
        Assert.That(error, Is.Not.Empty.And.Contains(reason));
    }
}
