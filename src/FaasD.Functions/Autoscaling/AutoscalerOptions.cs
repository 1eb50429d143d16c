namespace FaasD.Functions.Autoscaling;

/// <summary>Daemon-wide autoscaler settings.</summary>
public sealed record AutoscalerOptions
{
    /// <summary>Off: replica counts change only through the scale API and alerts.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How often load is sampled and decisions are taken.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Default stabilisation window before scaling down (label <c>com.openfaas.scale.down-window</c> overrides).</summary>
    public TimeSpan DownWindow { get; init; } = TimeSpan.FromMinutes(1);
}
