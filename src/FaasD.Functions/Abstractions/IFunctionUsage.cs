namespace FaasD.Functions.Abstractions;

/// <summary>
/// A function's resource use, as OpenFaaS's <c>FunctionStatus.usage</c> carries it.
/// </summary>
/// <param name="CpuSeconds">CPU time used by the function's current task since it started.</param>
/// <param name="CpuMillicores">Average CPU use between the two latest readings (1000 = one core); 0 on the first reading.</param>
/// <param name="TotalMemoryBytes">Memory working set of the function's task.</param>
public sealed record FunctionUsage(double CpuSeconds, double CpuMillicores, long TotalMemoryBytes);

/// <summary>Reads a function's CPU and memory from its task's cgroup: no Prometheus needed.</summary>
public interface IFunctionUsage
{
    /// <summary>Usage of the function, or null when it does not exist, has no task, or the host cannot tell.</summary>
    Task<FunctionUsage?> GetUsageAsync(string @namespace, string name, CancellationToken cancellationToken);
}
