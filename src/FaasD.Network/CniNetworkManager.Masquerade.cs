using FaasD.Network.Cni;
using FaasD.Network.Iptables;

namespace FaasD.Network;

/// <summary>
/// The bridge plugin's masquerade rules that its own DEL cannot remove (the netns was gone first), removed at teardown.
/// Only rules commented with this network's name and the attachment's own CNI container id are touched.
/// </summary>
internal sealed partial class CniNetworkManager
{
    private async Task RemoveMasqueradeAsync(CniNetworkConfig network, string containerId, CancellationToken cancellationToken)
    {
        if (!Masquerades(network))
        {
            return;
        }

        try
        {
            foreach (var masquerade in (await _masquerade.ListAsync(cancellationToken)).Where(m => m.Network == network.Name && m.ContainerId == containerId))
            {
                await _masquerade.RemoveAsync(masquerade, cancellationToken);
                LogRemovedMasquerade(containerId, masquerade.Chain);
            }
        }
        catch (NetworkException e)
        {
            // Not worth failing the detach for: the lease and netns are released already, and the log names the rules.
            LogMasqueradeRemovalFailed(e, containerId);
        }
    }

    /// <summary>Only a plugin with <c>ipMasq</c> makes these rules; other networks need no iptables call at all.</summary>
    private static bool Masquerades(CniNetworkConfig network) =>
        network.Plugins.Any(plugin => plugin.Config["ipMasq"] is JsonValue value && value.TryGetValue<bool>(out var on) && on);
}
