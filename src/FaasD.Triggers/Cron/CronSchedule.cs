namespace FaasD.Triggers.Cron;

/// <summary>When a schedule fires next. Implementations are immutable; interval schedules count from an anchor.</summary>
internal abstract class CronSchedule
{
    /// <summary>
    /// The first firing strictly after <paramref name="after"/>, or null when there is none (e.g. Feb 30).
    /// <paramref name="anchor"/> is when the schedule was set up; only <c>@every</c> uses it.
    /// </summary>
    public abstract DateTimeOffset? NextAfter(DateTimeOffset after, DateTimeOffset anchor);
}
