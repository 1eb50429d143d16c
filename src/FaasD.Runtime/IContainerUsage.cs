namespace FaasD.Runtime;

/// <summary>Resource use of a container's task, read from its cgroup.</summary>
/// <param name="CpuSeconds">CPU time used by every process of the task since it started (user + system).</param>
/// <param name="MemoryWorkingSetBytes">Memory in use minus inactive file cache, as cAdvisor and the kubelet report "working set".</param>
public sealed record ContainerUsage(double CpuSeconds, long MemoryWorkingSetBytes);

/// <summary>Reads a container's CPU and memory usage from its cgroup (v1 cpuacct/memory, or v2 cpu.stat/memory.*).</summary>
public interface IContainerUsage
{
    /// <summary>Usage of the container's task, or null when it has no task (no cgroup) or the host lacks the controllers.</summary>
    Task<ContainerUsage?> GetUsageAsync(string @namespace, string id, CancellationToken cancellationToken);
}
