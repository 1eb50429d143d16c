namespace FaasD.Functions.Waking;

/// <summary>
/// Where a function's task is in its scale-to-zero life. Only Running serves requests; the -ing states
/// are transitions in progress that requests join rather than repeat.
/// <code>
///   Stopped ──Start──▶ Starting ──▶ Running ──Pause──▶ Pausing ──▶ Paused ──Stop──▶ Stopping ──▶ Stopped
///                       (fail: Stopped)  ▲                (fail: Running)    │          (fail: Paused)
///                                        └──── Resuming ◀──Resume────────────┘
///                                              (fail: Paused)
///   any state ──remove──▶ Removed (terminal)
/// </code>
/// </summary>
internal enum LifecycleState
{
    Running,
    Pausing,
    Paused,
    Resuming,
    Starting,
    Stopping,
    /// <summary>No task: the next request starts one.</summary>
    Stopped,
    Removed,
}

internal static class LifecycleStateExtensions
{
    /// <summary>The operator-facing state reported by list/describe.</summary>
    public static FunctionState ToFunctionState(this LifecycleState state) => state switch
    {
        LifecycleState.Running => FunctionState.Running,
        LifecycleState.Pausing => FunctionState.Pausing,
        LifecycleState.Paused => FunctionState.Paused,
        LifecycleState.Resuming => FunctionState.Resuming,
        LifecycleState.Starting => FunctionState.Creating,
        LifecycleState.Stopping or LifecycleState.Stopped => FunctionState.Stopped,
        LifecycleState.Removed => FunctionState.Removing,
        _ => FunctionState.Unknown,
    };

    /// <summary>Desired replicas: 1 while the function is (becoming) able to serve, 0 while it is (going) to sleep.</summary>
    public static int ToReplicas(this LifecycleState state) =>
        state is LifecycleState.Running or LifecycleState.Resuming or LifecycleState.Starting ? 1 : 0;
}
