namespace FaasD.Functions.Deployment;

/// <summary>
/// A function's container id is its name (as faasd does), and <c>name.gN</c> for later generations so that an
/// update can start the new container before the old one stops. Replica K above 0 appends <c>.rK</c>
/// (<c>name.r1</c>, <c>name.g2.r3</c>). Function names cannot contain dots.
/// </summary>
internal static class ContainerNaming
{
    public const string FunctionLabel = "io.faasd.function";
    public const string GenerationLabel = "io.faasd.generation";

    /// <summary>
    /// Set on every container of a function before its removal begins: a removal a crash or containerd cut short is
    /// finished at the next start instead of the function being adopted again.
    /// </summary>
    public const string RemovingLabel = "io.faasd.removing";
    public const string AnnotationPrefix = "com.openfaas.annotations.";

    public static string ContainerIdFor(string function, long generation) =>
        generation <= 1 ? function : $"{function}.g{generation}";

    public static string ReplicaIdFor(string function, long generation, int replica) =>
        replica <= 0 ? ContainerIdFor(function, generation) : $"{ContainerIdFor(function, generation)}.r{replica}";

    /// <summary>The replica number in a container id (0 when it carries none).</summary>
    public static int ReplicaOf(string containerId)
    {
        var marker = containerId.LastIndexOf(".r", StringComparison.Ordinal);
        return marker > 0 && int.TryParse(containerId.AsSpan(marker + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replica)
            ? replica
            : 0;
    }

    public static string FunctionOf(string containerId)
    {
        var dot = containerId.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? containerId : containerId[..dot];
    }
}
