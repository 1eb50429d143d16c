namespace FaasD.Functions.Replicas;

/// <summary>
/// Where one replica of a function is. Only Ready replicas receive requests (and only while the function as a whole
/// is Running). Scale to zero freezes every Ready replica; a wake thaws one, and the others stay Frozen until load
/// needs them (see <c>FunctionHandle</c>).
/// <code>
///   Starting ──ready──▶ Ready ──drain──▶ Draining ──in-flight 0──▶ (container removed)
///      │                │  ▲
///      │          pause │  │ thawed
///      │                ▼  │
///      │           Frozen ──thaw──▶ Thawing (fail: Frozen)
///      │                  │
///      └──fail──▶ Out ◀───┘ task exited, connection refused, liveness failed: the supervisor restarts it
/// </code>
/// </summary>
public enum ReplicaState
{
    Starting,
    Ready,
    Draining,
    /// <summary>No task serving (it exited, was found unreachable, or deep sleep stopped it); waits to be restarted.</summary>
    Out,
    /// <summary>Its task is frozen (scale to zero) and keeps its address; thawed when a request or the autoscaler needs it.</summary>
    Frozen,
    /// <summary>Being thawed: not in rotation yet, Ready when the thaw returns.</summary>
    Thawing,
}
