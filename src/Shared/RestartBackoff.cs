namespace FaasD.Shared;

/// <summary>
/// Exponential restart delay: <c>initial</c>, 2×, 4× … capped at <c>max</c>, or with <c>firstAtOnce</c> no delay
/// the first time and that sequence after it. A run that lasted at least <c>resetAfter</c> counts as healthy and
/// starts the sequence over, so a crash loop backs off while an occasional crash is restarted soon. Compose's
/// service supervisor and the function replica supervisor each keep one per service or replica.
/// </summary>
internal sealed class RestartBackoff(TimeSpan initial, TimeSpan max, TimeSpan resetAfter, bool firstAtOnce = false)
{
    private int _failures;

    public int Attempts => _failures;

    /// <summary>Records a failure after a run of <paramref name="lastRunDuration"/> and returns the delay before the next start.</summary>
    public TimeSpan Next(TimeSpan lastRunDuration)
    {
        if (lastRunDuration >= resetAfter)
        {
            _failures = 0;
        }

        var exponent = firstAtOnce ? _failures - 1 : _failures;
        _failures++;
        if (exponent < 0)
        {
            return TimeSpan.Zero;
        }

        var delay = initial * Math.Pow(2, Math.Min(exponent, 30));
        return delay > max ? max : delay;
    }

    public void Reset() => _failures = 0;
}
