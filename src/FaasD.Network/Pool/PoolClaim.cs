namespace FaasD.Network.Pool;

/// <summary>
/// Written before a pooled attachment is handed to a container, deleted when the hand-over is complete. After a crash
/// it tells recovery which way to go: the taker's record carries <see cref="ContainerId"/> → the hand-over happened and
/// only the pool's name is dropped; otherwise the pooled attachment is released with a full CNI DEL.
/// </summary>
internal sealed record PoolClaim(string PoolId, string TakenBy, string ContainerId);
