namespace FaasD.Images;

/// <summary>What the runtime builds a container's process from: the image config's <c>config</c> object.</summary>
public sealed record ImageConfig
{
    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    public IReadOnlyList<string> Cmd { get; init; } = [];

    /// <summary><c>KEY=value</c> pairs, in image order.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Empty means <c>/</c>.</summary>
    public string WorkingDir { get; init; } = "";

    /// <summary><c>user</c>, <c>uid</c>, <c>user:group</c> or <c>uid:gid</c>; empty means root.</summary>
    public string User { get; init; } = "";

    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public string StopSignal { get; init; } = "";

    public string Os { get; init; } = "";

    public string Architecture { get; init; } = "";
}
