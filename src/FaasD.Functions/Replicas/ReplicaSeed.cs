namespace FaasD.Functions.Replicas;

/// <summary>A replica as the platform knows it when (re)building a function's handle: its container and, when its task serves, its address.</summary>
public readonly record struct ReplicaSeed(string ContainerId, int Index, string? Destination);
