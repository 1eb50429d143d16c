namespace FaasD.Functions.Replicas;

/// <summary>
/// A replica as the platform knows it when (re)building a function's handle: its container and, when its task serves,
/// its address. <paramref name="Frozen"/>: its task is frozen (recovery found it so while a sibling serves); it keeps its
/// address and is thawed when load needs it. Every replica of a Paused function is frozen whatever this says.
/// </summary>
public readonly record struct ReplicaSeed(string ContainerId, int Index, string? Destination, bool Frozen = false);
