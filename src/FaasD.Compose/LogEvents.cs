namespace FaasD.Compose;

/// <summary>
/// Every log event id of this assembly in one table, so ids stay unique and stable (dashboards and
/// journal queries key on them). This assembly owns 5000–5999; the ranges of all assemblies are listed in
/// docs/architecture.md.
/// </summary>
internal static class LogEvents
{
    // ComposeHost.cs
    public const int NoFile = 5101;
    public const int InvalidFile = 5102;
    public const int IgnoredKey = 5103;
    public const int ServicesUp = 5104;
    public const int Crashed = 5105;

    // Running/ServiceRunner.cs
    public const int DefinitionChanged = 5201;
    public const int ServiceUp = 5202;
    public const int ServiceStopped = 5203;
    public const int ServiceRemoved = 5204;
    public const int NoAddress = 5205;

    // Running/ProjectRunner.cs
    public const int StartFailed = 5211;
    public const int DependencyFailed = 5212;
    public const int StopFailed = 5213;

    // Ports/PortForwarder.cs
    public const int AcceptFailed = 5301;
    public const int ServiceNotRunning = 5302;
    public const int ConnectFailed = 5303;

    // Ports/PortProxies.cs
    public const int Listening = 5310;
    public const int BindFailed = 5311;

    // Restart/ServiceSupervisor.cs
    public const int Exited = 5401;
    public const int RestartScheduled = 5402;
    public const int Restarted = 5403;
    public const int RestartFailed = 5404;
    public const int LeftDown = 5405;
    public const int WatchFailed = 5406;
    public const int SweepFailed = 5407;
}
