using Cronos;

namespace FaasD.Triggers.Cron;

/// <summary>
/// A 5-field expression or a descriptor (<c>@daily</c> …) in a time zone. Cronos does the calendar and DST work:
/// a time skipped by a spring-forward change fires once right after the gap, and a time repeated by a fall-back
/// change fires once (at its first occurrence) unless the expression has a wildcard/step in the hour or minute
/// field, in which case both passes fire (see CalendarScheduleTests).
/// </summary>
internal sealed class CalendarSchedule(CronExpression expression, TimeZoneInfo zone) : CronSchedule
{
    public TimeZoneInfo Zone { get; } = zone;

    public override DateTimeOffset? NextAfter(DateTimeOffset after, DateTimeOffset anchor) =>
        expression.GetNextOccurrence(after, Zone, inclusive: false);
}
