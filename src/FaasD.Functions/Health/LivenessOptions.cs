namespace FaasD.Functions.Health;

/// <summary>How replicas with a liveness annotation are probed.</summary>
public sealed record LivenessOptions
{
    /// <summary>Time between probes of one replica.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Consecutive failed probes after which the replica is replaced.</summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>How long one probe may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Initial delay when the function has no <c>com.openfaas.health.http.initialDelay</c> annotation.</summary>
    public TimeSpan DefaultInitialDelay { get; init; } = TimeSpan.FromSeconds(2);
}
