namespace FaasD.Triggers.Annotations;

/// <summary>What a function's annotations ask the triggers to do; null parts are absent.</summary>
internal sealed record FunctionTriggers(CronTrigger? Cron, TopicTrigger? Topics)
{
    public static FunctionTriggers None { get; } = new(null, null);
}

/// <summary>A schedule; <see cref="Expression"/> is the annotation as written (its identity for change detection).</summary>
internal sealed record CronTrigger(string Expression, CronSchedule Schedule, bool Asynchronous, bool AllowOverlap)
{
    // The parsed schedule carries no extra meaning: two triggers are the same when the text and options are.
    public bool Equals(CronTrigger? other) =>
        other is not null && Expression == other.Expression && Asynchronous == other.Asynchronous && AllowOverlap == other.AllowOverlap;

    public override int GetHashCode() => HashCode.Combine(Expression, Asynchronous, AllowOverlap);
}

/// <summary>NATS subjects (wildcards allowed) a function is subscribed to.</summary>
internal sealed record TopicTrigger(IReadOnlyList<string> Subjects, bool Asynchronous, int? Concurrency)
{
    public bool Equals(TopicTrigger? other) =>
        other is not null && Subjects.SequenceEqual(other.Subjects, StringComparer.Ordinal) && Asynchronous == other.Asynchronous && Concurrency == other.Concurrency;

    public override int GetHashCode() => HashCode.Combine(string.Join(',', Subjects), Asynchronous, Concurrency);
}
