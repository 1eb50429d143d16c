namespace FaasD.Runtime.Oci;

/// <summary>What an image says about the process it runs (the OCI image config's process fields).</summary>
internal sealed record ImageProcessConfig
{
    public IReadOnlyList<string> Entrypoint { get; init; } = [];
    public IReadOnlyList<string> Cmd { get; init; } = [];
    public IReadOnlyList<string> Env { get; init; } = [];
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
}
