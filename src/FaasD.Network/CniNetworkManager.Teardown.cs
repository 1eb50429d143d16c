using FaasD.Network.Cni;

namespace FaasD.Network;

/// <summary>Undoing attachments: a finished one on detach, a stale or half-made one found later, a failed one at once.</summary>
internal sealed partial class CniNetworkManager
{
    /// <summary>DEL with exactly the config, container id and result of the ADD, then the netns, then the record.</summary>
    private async Task ReleaseAsync(AttachmentRecord record, CancellationToken cancellationToken)
    {
        var network = CniNetworkConfig.Parse(record.Network.ToJsonString());
        var args = new CniRuntimeArgs(record.ContainerId, record.NetnsPath, record.InterfaceName);
        // An ADD interrupted after its first plugin left the result chained so far: the prevResult that lets the later
        // plugins (the firewall) find what they added.
        var added = (record.Result ?? record.PartialResult) is { } result ? CniResult.Parse(result) : null;
        await TearDownAsync(network, args, added, cancellationToken);
        _store.Delete(record.Id);
    }

    private async Task TearDownAsync(CniNetworkConfig network, CniRuntimeArgs args, CniResult? added, CancellationToken cancellationToken)
    {
        if (NamedNetworkNamespaces.IsNamespace(args.NetnsPath))
        {
            await _cni.DeleteAsync(network, args, added, cancellationToken);
        }
        else
        {
            // No namespace to enter: an empty CNI_NETNS tells plugins to release what lives outside it. IPAM and the
            // firewall plugin (through prevResult) do; the bridge plugin learns the addresses to un-masquerade from
            // the link it deletes, so without one it leaves its nat rules and chain behind: those go here.
            await _cni.DeleteAsync(network, args with { NetnsPath = "" }, added, cancellationToken);
            await RemoveMasqueradeAsync(network, args.ContainerId, cancellationToken);
        }

        // Loopback needs no DEL: lo lives and dies with the namespace.
        NamedNetworkNamespaces.Remove(args.NetnsPath);
    }

    /// <summary>
    /// Undoes a failed attach, also when the caller cancelled: a half-made attachment would leak a lease. If undoing
    /// fails too, the pending record stays so the next Attach, Get or Detach of the id finishes the job.
    /// </summary>
    private async Task RollBackAsync(AttachmentRecord pending, CniNetworkConfig network, CniResult? added)
    {
        using var cleanup = new CancellationTokenSource(_options.CleanupTimeout);
        try
        {
            var args = new CniRuntimeArgs(pending.ContainerId, pending.NetnsPath, pending.InterfaceName);
            await TearDownAsync(network, args, added, cleanup.Token);
            _store.Delete(pending.Id);
        }
        catch (Exception e) when (e is NetworkException or IOException or OperationCanceledException)
        {
            LogRollBackFailed(e, pending.Id);
        }
    }
}
