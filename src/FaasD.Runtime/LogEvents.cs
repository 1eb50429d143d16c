namespace FaasD.Runtime;

/// <summary>
/// Every log event id of this assembly in one table, so ids stay unique and stable (dashboards and
/// journal queries key on them). This assembly owns 3000–3099; the ranges of all assemblies are listed in
/// docs/architecture.md.
/// </summary>
internal static class LogEvents
{
    // Lifecycle/ContainerRuntime.Log.cs
    public const int NamespaceCreated = 3001;
    public const int ContainerCreated = 3002;
    public const int ContainerDeleted = 3003;
    public const int OrphanSnapshotReplaced = 3004;
    public const int TaskStarted = 3005;
    public const int TaskStopped = 3006;
    public const int TaskPaused = 3007;
    public const int TaskResumed = 3008;
    public const int NamespaceDeleted = 3009;

    // Logs/LogPump.cs
    public const int ReadFailed = 3020;

    // Oci/OciSpecBuilder.cs
    public const int LimitSkipped = 3021;
}
