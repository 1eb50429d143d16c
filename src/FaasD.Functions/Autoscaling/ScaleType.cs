namespace FaasD.Functions.Autoscaling;

/// <summary>What the autoscaler measures per replica.</summary>
public enum ScaleType
{
    /// <summary>Requests per second.</summary>
    Rps,

    /// <summary>Requests in flight.</summary>
    Capacity,

    /// <summary>CPU use in millicores.</summary>
    Cpu,
}
