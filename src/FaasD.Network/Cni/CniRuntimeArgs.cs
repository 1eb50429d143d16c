namespace FaasD.Network.Cni;

/// <summary>
/// The per-container CNI parameters. NetnsPath may be empty on DEL when the namespace is already gone
/// (after a reboot): plugins then release what they can, IPAM leases first.
/// </summary>
internal sealed record CniRuntimeArgs(string ContainerId, string NetnsPath, string InterfaceName);
