namespace FaasD;

/// <summary>
/// Every log event id of this assembly in one table, so ids stay unique and stable (dashboards and
/// journal queries key on them). This assembly owns 1000–1099 (the host; src/FaasD/Systemd keeps 9000–9099); the ranges of all assemblies are listed in
/// docs/architecture.md.
/// </summary>
internal static class LogEvents
{
    // Hosting/DaemonStartup.cs
    public const int Containerd = 1001;
    public const int WaitingForContainerd = 1002;
    public const int Recovered = 1003;
    public const int ComposeRefused = 1004;
    public const int ComposeIncomplete = 1005;
}
