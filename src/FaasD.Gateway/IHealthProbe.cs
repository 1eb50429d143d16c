namespace FaasD.Gateway;

/// <summary>
/// What <c>/healthz</c> vouches for beyond "the gateway answers": the host registers one per dependency the
/// daemon cannot serve without (containerd). Any unhealthy probe makes <c>/healthz</c> answer 503 with its reason.
/// </summary>
public interface IHealthProbe
{
    Task<HealthReport> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>The outcome of one probe; <see cref="Reason"/> is one line for the operator when unhealthy.</summary>
public readonly record struct HealthReport(bool Healthy, string? Reason)
{
    public static HealthReport Ok { get; } = new(true, null);

    public static HealthReport Unhealthy(string reason) => new(false, reason);
}
