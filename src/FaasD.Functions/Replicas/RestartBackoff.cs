namespace FaasD.Functions.Replicas;

/// <summary>
/// How long to wait before restarting a failed replica: at once the first time, then 1 s, 2 s, 4 s ... up to
/// <see cref="Max"/>. A replica that served longer than <see cref="Stable"/> before failing starts over at zero,
/// so a crash loop backs off while an occasional crash is replaced immediately.
/// </summary>
internal sealed class RestartBackoff
{
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Stable = TimeSpan.FromSeconds(30);

    private int _failures;

    /// <summary>Records a failure after the replica served for <paramref name="servedFor"/> and returns the delay before the next restart.</summary>
    public TimeSpan Next(TimeSpan servedFor)
    {
        if (servedFor >= Stable)
        {
            _failures = 0;
        }

        var delay = _failures == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, _failures - 1), Max.TotalSeconds));
        _failures++;
        return delay;
    }
}
