namespace FaasD.Functions.Autoscaling;

/// <summary>OpenFaaS Pro's replica and autoscaling labels (events-scaling-observability.md §3).</summary>
public static class ScalingLabels
{
    /// <summary>Replicas started at deploy and the autoscaler's floor.</summary>
    public const string Min = "com.openfaas.scale.min";

    /// <summary>Upper bound for the scale API and the autoscaler; equal to min disables autoscaling.</summary>
    public const string Max = "com.openfaas.scale.max";

    /// <summary><c>rps</c>, <c>capacity</c> (in-flight requests) or <c>cpu</c> (millicores).</summary>
    public const string Type = "com.openfaas.scale.type";

    /// <summary>Target load per replica.</summary>
    public const string Target = "com.openfaas.scale.target";

    /// <summary>Scale when load passes this share of the target.</summary>
    public const string TargetProportion = "com.openfaas.scale.target-proportion";

    /// <summary>Go duration the load must stay low before replicas are removed.</summary>
    public const string DownWindow = "com.openfaas.scale.down-window";

    /// <summary>Alert scaling: percent of max added per firing alert (CE gateway).</summary>
    public const string Factor = "com.openfaas.scale.factor";
}
