namespace FaasD.Compose.Model;

/// <summary>The compose <c>restart</c> key. <see cref="MaxRetries"/> only applies to on-failure (0 = unlimited).</summary>
public sealed record RestartPolicy(RestartMode Mode, int MaxRetries = 0)
{
    public static RestartPolicy No { get; } = new(RestartMode.No);

    public override string ToString() => Mode switch
    {
        RestartMode.Always => "always",
        RestartMode.UnlessStopped => "unless-stopped",
        RestartMode.OnFailure => MaxRetries > 0 ? $"on-failure:{MaxRetries}" : "on-failure",
        _ => "no",
    };
}

public enum RestartMode
{
    No,
    Always,
    OnFailure,

    /// <summary>Same as <see cref="Always"/> here: the daemon has no "stop a service by hand" verb to remember.</summary>
    UnlessStopped,
}
