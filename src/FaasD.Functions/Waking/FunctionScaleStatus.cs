namespace FaasD.Functions.Waking;

/// <summary>A function's scale state as list/describe report it (<see cref="FunctionInfo"/>'s State, Replicas, AvailableReplicas).</summary>
internal readonly record struct FunctionScaleStatus(FunctionState State, int Replicas, int AvailableReplicas);
