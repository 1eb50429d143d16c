namespace FaasD.Functions.Replicas;

/// <summary>
/// Where one replica of a function is. Only Ready replicas receive requests (and only while the function as a whole
/// is Running: a frozen function's replicas keep their state but the hot path never reaches them).
/// <code>
///   Starting ──ready──▶ Ready ──drain──▶ Draining ──in-flight 0──▶ (container removed)
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
}
