namespace FaasD.Network.Iptables;

/// <summary>
/// The bridge plugin's masquerade rules, which its DEL removes only while the container's netns and interface still
/// exist (it learns the addresses from the link it deletes). When the netns went first we remove them ourselves.
/// </summary>
internal interface IMasqueradeRules
{
    /// <summary>Every container's masquerade in the nat table, of every network.</summary>
    Task<IReadOnlyList<CniMasquerade>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Removes the POSTROUTING jumps, then the chain. A rule already gone is not a failure.</summary>
    Task RemoveAsync(CniMasquerade masquerade, CancellationToken cancellationToken);
}
