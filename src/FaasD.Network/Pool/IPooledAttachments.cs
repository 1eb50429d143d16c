namespace FaasD.Network.Pool;

/// <summary>What the pool needs from the network manager: make, release and (after a restart) find pooled attachments.</summary>
internal interface IPooledAttachments
{
    /// <summary>A full attachment (netns + CNI ADD) under a pool id.</summary>
    Task CreateAsync(string poolId, CancellationToken cancellationToken);

    /// <summary>CNI DEL, netns, record and any claim marker of a pool id; safe to repeat.</summary>
    Task ReleaseAsync(string poolId, CancellationToken cancellationToken);

    /// <summary>
    /// Finishes or undoes hand-overs a crash interrupted, releases pooled attachments that are stale or made with another
    /// network config, and returns the ids of those still good to hand out. Run at every start, it also removes the
    /// network's masquerade rules that no attachment owns.
    /// </summary>
    Task<IReadOnlyList<string>> RecoverAsync(string poolIdPrefix, CancellationToken cancellationToken);
}
