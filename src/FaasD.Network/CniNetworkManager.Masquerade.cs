using System.Text.RegularExpressions;
using FaasD.Network.Cni;
using FaasD.Network.Iptables;

namespace FaasD.Network;

/// <summary>
/// The bridge plugin's masquerade rules that its own DEL cannot remove (the netns was gone first): for one attachment at
/// teardown, and once at start for those whose attachment record is gone (a daemon that released them before this fix,
/// or failed to). Only rules commented with this network's name and a container id of our own shape are touched.
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
            // Not worth failing the detach for (the lease and netns are released already): the record goes, so the next
            // start's sweep finds these rules without an owner and removes them.
            LogMasqueradeRemovalFailed(e, containerId);
        }
    }

    /// <summary>
    /// Removes masquerades of the current network whose CNI container id no attachment record holds. Rules are read
    /// before records: an attach writes its record before ADD and a detach deletes it after DEL, so a rule seen first
    /// whose record is missing afterwards has no owner. Returns how many went; failures are logged, never thrown.
    /// </summary>
    internal async Task<int> RemoveStaleMasqueradesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var network = await LoadNetworkAsync(cancellationToken);
            if (!Masquerades(network))
            {
                return 0;
            }

            var candidates = (await _masquerade.ListAsync(cancellationToken))
                .Where(m => m.Network == network.Name && OwnContainerId().IsMatch(m.ContainerId))
                .ToList();
            if (candidates.Count == 0)
            {
                return 0;
            }

            var owned = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in _store.List(""))
            {
                if (await _store.ReadAsync(id, cancellationToken) is { } record)
                {
                    owned.Add(record.ContainerId);
                }
            }

            var removed = 0;
            foreach (var stale in candidates.Where(m => !owned.Contains(m.ContainerId)))
            {
                await _masquerade.RemoveAsync(stale, cancellationToken);
                removed++;
            }

            if (removed > 0)
            {
                LogRemovedStaleMasquerades(removed, network.Name);
            }

            return removed;
        }
        catch (Exception e) when (e is NetworkException or IOException)
        {
            LogStaleMasqueradeSweepFailed(e);
            return 0;
        }
    }

    /// <summary>Only a plugin with <c>ipMasq</c> makes these rules; other networks need no iptables call at all.</summary>
    private static bool Masquerades(CniNetworkConfig network) =>
        network.Plugins.Any(plugin => plugin.Config["ipMasq"] is JsonValue value && value.TryGetValue<bool>(out var on) && on);

    // NewContainerId's shape: another runtime sharing the network name (faasd names its ids name-pid) is never swept.
    [GeneratedRegex("-[0-9a-f]{8}$")]
    private static partial Regex OwnContainerId();
}
