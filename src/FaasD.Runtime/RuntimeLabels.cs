namespace FaasD.Runtime;

/// <summary>Labels the runtime itself puts on every container it creates.</summary>
public static class RuntimeLabels
{
    /// <summary>
    /// "FaasD made this container". The runtime stops or deletes only containers that carry it (or, from
    /// versions before it existed, a function's or compose service's label): a container someone else created in
    /// a namespace FaasD uses is never touched.
    /// </summary>
    public const string Managed = "io.faasd.managed";

    /// <summary>True for a container FaasD created: the marker, or the labels older FaasD versions set.</summary>
    public static bool IsManaged(IReadOnlyDictionary<string, string> labels) =>
        labels.ContainsKey(Managed)
        || labels.Keys.Any(k => k.StartsWith("io.faasd.", StringComparison.Ordinal))
        || labels.ContainsKey("com.openfaas.compose.service");
}
