namespace FaasD.Triggers.Cron;

/// <summary>
/// <c>@every &lt;duration&gt;</c>: anchor + k × interval. Counting from the anchor (not from the last run) keeps a
/// late run from pushing every later one back, and skips runs that were missed instead of bunching them up.
/// </summary>
internal sealed class IntervalSchedule(TimeSpan interval) : CronSchedule
{
    public TimeSpan Interval { get; } = interval;

    public override DateTimeOffset? NextAfter(DateTimeOffset after, DateTimeOffset anchor)
    {
        if (after < anchor)
        {
            return anchor + Interval;
        }

        var elapsed = (after - anchor).Ticks / Interval.Ticks;
        return anchor + TimeSpan.FromTicks((elapsed + 1) * Interval.Ticks);
    }
}
