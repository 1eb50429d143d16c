namespace FaasD.Compose.Restart;

/// <summary>
/// Exponential restart delay per service: initial, 2×, 4× ... capped; a run that lasted long enough counts as
/// healthy and starts the sequence over (a service that crashes once a day never waits a minute).
/// </summary>
internal sealed class RestartBackoff(TimeSpan initial, TimeSpan max, TimeSpan resetAfter)
{
    private int _consecutiveFailures;

    public int Attempts => _consecutiveFailures;

    /// <summary>The delay before the next start, given how long the last run lasted.</summary>
    public TimeSpan Next(TimeSpan lastRunDuration)
    {
        if (lastRunDuration >= resetAfter)
        {
            _consecutiveFailures = 0;
        }

        var exponent = Math.Min(_consecutiveFailures, 30);
        _consecutiveFailures++;
        var delay = initial * Math.Pow(2, exponent);
        return delay > max ? max : delay;
    }

    public void Reset() => _consecutiveFailures = 0;
}
