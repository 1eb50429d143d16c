namespace FaasD.Runtime.Oci;

/// <summary>The numeric identity a container's process runs as, resolved from a user string like <c>app</c> or <c>1000:1000</c>.</summary>
internal sealed record ProcessUser(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids)
{
    public static ProcessUser Root { get; } = new(0, 0, []);
}
