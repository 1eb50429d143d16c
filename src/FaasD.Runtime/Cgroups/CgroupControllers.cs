namespace FaasD.Runtime.Cgroups;

/// <summary>Cgroup controllers FaasD uses; a limit is only written into a spec when its controller is available.</summary>
[Flags]
internal enum CgroupControllers
{
    None = 0,
    Memory = 1,
    Cpu = 2,
    Freezer = 4,
}
