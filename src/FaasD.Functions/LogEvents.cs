namespace FaasD.Functions;

/// <summary>
/// Every log event id of this assembly in one table, so ids stay unique and stable (dashboards and
/// journal queries key on them). This assembly owns 4000–4999; the ranges of all assemblies are listed in
/// docs/architecture.md.
/// </summary>
internal static class LogEvents
{
    // FunctionPlatform.cs
    public const int Deployed = 4001;
    public const int Updated = 4002;
    public const int Removed = 4003;
    public const int TaskExited = 4004;

    // Deployment/FunctionRecovery.cs
    public const int Foreign = 4011;
    public const int DroppingGeneration = 4012;
    public const int RestartFailed = 4013;

    // Waking/FunctionHandle.Log.cs
    public const int TransitionStarted = 4101;
    public const int TransitionSucceeded = 4102;
    public const int TransitionFailed = 4103;
    public const int TransitionTimedOut = 4104;
    public const int WaitQueueFull = 4105;
    public const int WakeTimedOut = 4106;

    // Scaling/Idler.cs
    public const int IdlerStarted = 4120;

    // Waking/TaskExitWatcher.cs
    public const int HandlingFailed = 4201;
    public const int Resubscribing = 4202;
    public const int ReconcileFailed = 4203;
}
