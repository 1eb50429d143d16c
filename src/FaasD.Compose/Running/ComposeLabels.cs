namespace FaasD.Compose.Running;

/// <summary>Labels that mark a container as a compose service and remember what it was created from.</summary>
internal static class ComposeLabels
{
    public const string Service = "com.openfaas.compose.service";

    /// <summary>SHA-256 of the normalised container definition; a different hash means re-create.</summary>
    public const string DefinitionHash = "com.openfaas.compose.hash";
}
