namespace FaasD.Compose.Parsing;

/// <summary>What parsing needs from the outside world: where relative paths point and the daemon's environment.</summary>
/// <param name="StateDirectory">Relative volume sources and env files resolve here (faasd's working directory).</param>
/// <param name="HostVariable">Looks up a daemon environment variable, for <c>environment: [KEY]</c> without a value.</param>
internal sealed record ParseContext(string StateDirectory, Func<string, string?> HostVariable)
{
    public static ParseContext For(string stateDirectory) => new(stateDirectory, Environment.GetEnvironmentVariable);

    /// <summary>Variables of the <c>.env</c> file beside the compose file, for <c>${VAR}</c> interpolation.</summary>
    public IReadOnlyDictionary<string, string> FileVariables { get; init; } = new Dictionary<string, string>();

    /// <summary>A variable for interpolation: the daemon's environment first, then <see cref="FileVariables"/>.</summary>
    public string? Variable(string name) => HostVariable(name) ?? FileVariables.GetValueOrDefault(name);

    public string Resolve(string path) =>
        Path.GetFullPath(path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : Path.Combine(StateDirectory, path));
}
