namespace FaasD.Functions.Scaling;

/// <summary>Function labels that tune scale to zero.</summary>
internal static class ScaleToZeroLabels
{
    /// <summary><c>true</c> or <c>false</c>: pause the function when it is idle.</summary>
    public const string Enabled = "com.openfaas.scale.zero";

    /// <summary>Go duration without requests before the function is paused, e.g. <c>15m</c>.</summary>
    public const string IdleDuration = "com.openfaas.scale.zero-duration";

    /// <summary>Go duration frozen before the function's task is stopped to return its memory; <c>0</c> never stops it.</summary>
    public const string StopAfter = "com.openfaas.scale.zero-stop-after";
}
