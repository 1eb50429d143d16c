namespace FaasD.Runtime.Users;

/// <summary>One mount that makes up a container's root filesystem, as the snapshotter describes it.</summary>
internal sealed record RootfsMount(string Type, string Source, IReadOnlyList<string> Options);
