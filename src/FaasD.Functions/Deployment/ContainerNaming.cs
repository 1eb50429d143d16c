namespace FaasD.Functions.Deployment;

/// <summary>
/// A function's container id is its name (as faasd does), and <c>name.gN</c> for later generations so that an
/// update can start the new container before the old one stops. Function names cannot contain dots.
/// </summary>
internal static class ContainerNaming
{
    public const string FunctionLabel = "io.faasd.function";
    public const string GenerationLabel = "io.faasd.generation";
    public const string AnnotationPrefix = "com.openfaas.annotations.";

    public static string ContainerIdFor(string function, long generation) =>
        generation <= 1 ? function : $"{function}.g{generation}";

    public static string FunctionOf(string containerId)
    {
        var dot = containerId.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? containerId : containerId[..dot];
    }
}
