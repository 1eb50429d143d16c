using System.Globalization;

namespace FaasD.Triggers.Annotations;

/// <summary>
/// Reads <see cref="FunctionTriggers"/> from a function's annotations, or says in one line what is wrong.
/// Topics that are not NATS subjects are an error only when NATS triggers are on.
/// </summary>
internal static class TriggerAnnotations
{
    public static bool TryParse(
        IReadOnlyDictionary<string, string> annotations,
        TimeZoneInfo defaultZone,
        bool natsEnabled,
        out FunctionTriggers triggers,
        out string? error)
    {
        triggers = FunctionTriggers.None;
        error = null;
        if (!TryBool(annotations, TriggerAnnotationNames.Asynchronous, out var asynchronous, ref error)
            || !TryBool(annotations, TriggerAnnotationNames.CronOverlap, out var overlap, ref error)
            || !TryConcurrency(annotations, out var concurrency, ref error))
        {
            return false;
        }

        var topics = annotations.TryGetValue(TriggerAnnotationNames.Topic, out var topicText)
            ? topicText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

        CronTrigger? cron = null;
        // Without a schedule the function is not scheduled, as cron-connector skips it: refusing it would break
        // stack.yml files that name the topic ahead of the schedule.
        if (topics.Contains(TriggerAnnotationNames.CronTopic, StringComparer.Ordinal)
            && annotations.TryGetValue(TriggerAnnotationNames.Schedule, out var expression) && !string.IsNullOrWhiteSpace(expression))
        {
            if (!CronScheduleParser.TryParse(expression, defaultZone, out var schedule, out var scheduleError))
            {
                error = $"annotation {TriggerAnnotationNames.Schedule} \"{expression}\": {scheduleError}";
                return false;
            }

            cron = new CronTrigger(expression, schedule, asynchronous, overlap);
        }

        var subjects = new List<string>();
        foreach (var topic in topics.Where(t => t != TriggerAnnotationNames.CronTopic).Distinct(StringComparer.Ordinal))
        {
            if (NatsSubject.Problem(topic) is { } problem)
            {
                if (!natsEnabled)
                {
                    continue; // without NATS the topic may belong to another connector (kafka, mqtt): not ours to judge
                }

                error = $"annotation {TriggerAnnotationNames.Topic}: \"{topic}\" is not a NATS subject: {problem}";
                return false;
            }

            subjects.Add(topic);
        }

        triggers = new FunctionTriggers(cron, subjects.Count == 0 ? null : new TopicTrigger(subjects, asynchronous, concurrency));
        return true;
    }

    private static bool TryBool(IReadOnlyDictionary<string, string> annotations, string name, out bool value, ref string? error)
    {
        value = false;
        if (!annotations.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (bool.TryParse(text.Trim(), out value))
        {
            return true;
        }

        error = $"annotation {name} must be true or false, not \"{text}\"";
        return false;
    }

    private static bool TryConcurrency(IReadOnlyDictionary<string, string> annotations, out int? value, ref string? error)
    {
        value = null;
        if (!annotations.TryGetValue(TriggerAnnotationNames.TopicConcurrency, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is > 0 and <= 1024)
        {
            value = parsed;
            return true;
        }

        error = $"annotation {TriggerAnnotationNames.TopicConcurrency} must be a whole number from 1 to 1024, not \"{text}\"";
        return false;
    }
}
