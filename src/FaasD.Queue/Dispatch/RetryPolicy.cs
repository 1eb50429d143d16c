using FaasD.Shared;

namespace FaasD.Queue.Dispatch;

/// <summary>
/// OpenFaaS Pro's retry labels with Pro's defaults: <c>com.openfaas.retry.attempts</c> (10, the first call
/// included), <c>.codes</c> (429,502,500,504,408), <c>.min_wait</c> (10s) and <c>.max_wait</c> (120s). The wait
/// doubles from min_wait up to max_wait; a <c>Retry-After</c> from the function is honoured (capped at max_wait).
/// </summary>
internal sealed record RetryPolicy(int Attempts, IReadOnlySet<int> Codes, TimeSpan MinWait, TimeSpan MaxWait)
{
    public const string AttemptsLabel = "com.openfaas.retry.attempts";
    public const string CodesLabel = "com.openfaas.retry.codes";
    public const string MinWaitLabel = "com.openfaas.retry.min_wait";
    public const string MaxWaitLabel = "com.openfaas.retry.max_wait";

    public static RetryPolicy Default { get; } = new(10, new HashSet<int> { 429, 502, 500, 504, 408 }, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120));

    /// <summary>The policy a function's labels ask for; a value that does not parse keeps the default.</summary>
    public static RetryPolicy FromLabels(IReadOnlyDictionary<string, string> labels)
    {
        var policy = Default;
        if (labels.TryGetValue(AttemptsLabel, out var attempts) && int.TryParse(attempts, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            policy = policy with { Attempts = n };
        }

        if (labels.TryGetValue(CodesLabel, out var codes))
        {
            var parsed = new HashSet<int>();
            foreach (var code in codes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 100 and <= 599)
                {
                    parsed.Add(c);
                }
            }

            policy = policy with { Codes = parsed };
        }

        if (labels.TryGetValue(MinWaitLabel, out var min) && GoDuration.TryParse(min, out var minWait) && minWait >= TimeSpan.Zero)
        {
            policy = policy with { MinWait = minWait };
        }

        if (labels.TryGetValue(MaxWaitLabel, out var max) && GoDuration.TryParse(max, out var maxWait) && maxWait >= TimeSpan.Zero)
        {
            policy = policy with { MaxWait = maxWait };
        }

        return policy.MaxWait < policy.MinWait ? policy with { MaxWait = policy.MinWait } : policy;
    }

    /// <summary>Whether a call that answered <paramref name="status"/> after <paramref name="attemptsMade"/> attempts runs again.</summary>
    public bool ShouldRetry(int status, int attemptsMade) => attemptsMade < Attempts && Codes.Contains(status);

    /// <summary>Wait before the next attempt: min_wait·2^(attempts−1) capped at max_wait, or the function's Retry-After.</summary>
    public TimeSpan Backoff(int attemptsMade, string? retryAfter, DateTimeOffset now)
    {
        if (ParseRetryAfter(retryAfter, now) is { } asked)
        {
            return asked > MaxWait ? MaxWait : asked;
        }

        var factor = Math.Pow(2, Math.Clamp(attemptsMade - 1, 0, 30));
        var wait = MinWait.TotalMilliseconds * factor;
        return wait >= MaxWait.TotalMilliseconds ? MaxWait : TimeSpan.FromMilliseconds(wait);
    }

    /// <summary>Retry-After is either delay-seconds or an HTTP date.</summary>
    internal static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
