namespace FaasD.Functions.Scaling;

/// <summary>Daemon-wide scale-to-zero settings; per-function labels override the defaults.</summary>
public sealed class ScaleToZeroOptions
{
    /// <summary>Whether a function without the <c>com.openfaas.scale.zero</c> label is paused when idle.</summary>
    public bool DefaultEnabled { get; set; }

    /// <summary>Idle time before a function is paused, when it has no <c>com.openfaas.scale.zero-duration</c> label.</summary>
    public TimeSpan DefaultIdleDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Frozen time before a paused function is stopped (deep sleep); null never stops one.</summary>
    public TimeSpan? DefaultStopAfter { get; set; }

    /// <summary>How often the idler looks for idle functions.</summary>
    public TimeSpan IdleCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests that may wait for one function to wake; more get 503.</summary>
    public int MaxWaitersPerFunction { get; set; } = 1000;

    /// <summary>How long a request waits for its function to wake before it gets 504.</summary>
    public TimeSpan WakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on a cold start (create task, network, start, port accepts); it then fails and the next request retries.</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Bound on one pause, resume or stop call to the runtime.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a manual scale to zero waits for in-flight requests to finish before it gives up.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value that cannot work.</summary>
    public void Validate()
    {
        RequirePositive(DefaultIdleDuration, nameof(DefaultIdleDuration));
        if (DefaultStopAfter is { } stopAfter)
        {
            RequirePositive(stopAfter, nameof(DefaultStopAfter));
        }

        RequirePositive(IdleCheckInterval, nameof(IdleCheckInterval));
        RequirePositive(WakeTimeout, nameof(WakeTimeout));
        RequirePositive(ReadinessTimeout, nameof(ReadinessTimeout));
        RequirePositive(OperationTimeout, nameof(OperationTimeout));
        RequirePositive(DrainTimeout, nameof(DrainTimeout));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxWaitersPerFunction);
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be longer than zero");
        }
    }
}
