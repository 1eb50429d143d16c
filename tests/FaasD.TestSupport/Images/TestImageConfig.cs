namespace FaasD.TestSupport.Images;

/// <summary>The image config a test image runs with (the OCI config's <c>config</c> object).</summary>
public sealed record TestImageConfig
{
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary><c>KEY=value</c> pairs.</summary>
    public IReadOnlyList<string> Env { get; init; } = [DefaultPath];

    public string? WorkingDir { get; init; }

    public string? User { get; init; }

    /// <summary>e.g. <c>8080/tcp</c>.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
