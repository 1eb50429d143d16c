namespace FaasD.Compose.Model;

/// <summary>One service of the compose file, as faasd honours it: paths resolved, env merged, forms normalised.</summary>
public sealed record ServiceDefinition
{
    public required string Name { get; init; }

    /// <summary>Line of the service's key in the file, so later checks (cycles, clashes) can point at it.</summary>
    public int Line { get; init; }

    public required string Image { get; init; }

    /// <summary>Replaces the image's cmd (and, without <see cref="Entrypoint"/>, its entrypoint too, as faasd does).</summary>
    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>KEY=VALUE, env_file first then environment, sorted by key so the hash ignores ordering.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    public string? User { get; init; }

    public IReadOnlyList<ServiceVolume> Volumes { get; init; } = [];

    public IReadOnlyList<PublishedPort> Ports { get; init; } = [];

    /// <summary>Capability names with the CAP_ prefix.</summary>
    public IReadOnlyList<string> CapAdd { get; init; } = [];

    public IReadOnlyList<string> CapDrop { get; init; } = [];

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public RestartPolicy Restart { get; init; } = RestartPolicy.No;
}
