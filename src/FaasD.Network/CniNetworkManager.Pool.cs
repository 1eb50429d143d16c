using FaasD.Network.Pool;

namespace FaasD.Network;

/// <summary>
/// Handing a pooled attachment to a container. The pooled netns gets the container's name by a bind mount; the record
/// moves to the container's id with the same CNI container id, config and result, so a later DEL undoes exactly the
/// pool's ADD. Order for crash safety: claim marker, the taker's record, the bind mount, then the pool's name, record and
/// marker go. Recovery reads the marker: taker's record with the pool's CNI container id → finish; otherwise full DEL.
/// </summary>
internal sealed partial class CniNetworkManager : IPooledAttachments
{
    private PoolClaimStore? _claims;

    internal NetnsPool Pool { get; private set; } = null!;

    private void CreatePool(TimeProvider time)
    {
        _claims = new PoolClaimStore(_options.StateDirectory);
        Pool = new NetnsPool(this, _options, _logger, time);
    }

    /// <summary>
    /// A pooled attachment re-keyed to <paramref name="id"/>, or null (pool empty, or the id's netns already exists:
    /// a prepared netns may already hold a task being created, so it is never swapped). Caller holds the id's lock.
    /// Local file and mount work only, so it runs to the end regardless of the caller's token: a half-taken entry
    /// would otherwise drop out of the pool without being released.
    /// </summary>
    private async Task<AttachmentRecord?> TryTakePooledAsync(string id, string netnsPath)
    {
        // The pool's own refills come through AttachAsync too and must not take from it.
        if (Pool.ReadyCount == 0 || id.StartsWith(Pool.IdPrefix + "-", StringComparison.Ordinal) || NamedNetworkNamespaces.IsNamespace(netnsPath))
        {
            return null;
        }

        JsonObject? current = null;
        while (Pool.TryTake(out var poolId))
        {
            var pooled = await _store.ReadAsync(poolId, CancellationToken.None);
            if (pooled is not { Result: not null } || !NamedNetworkNamespaces.IsNamespace(pooled.NetnsPath))
            {
                Pool.Discard(poolId);
                continue;
            }

            current ??= (await LoadNetworkAsync(CancellationToken.None)).ToJson();
            if (!JsonNode.DeepEquals(pooled.Network, current))
            {
                LogPooledConfigChanged(poolId);
                Pool.Discard(poolId);
                continue;
            }

            try
            {
                return await HandOverAsync(pooled, id, netnsPath);
            }
            catch (Exception e) when (e is NetworkException or IOException)
            {
                LogHandOverFailed(e, poolId, id);
                Pool.Discard(poolId);
                return null;
            }
        }

        return null;
    }

    private async Task<AttachmentRecord> HandOverAsync(AttachmentRecord pooled, string id, string netnsPath)
    {
        await _claims!.WriteAsync(new PoolClaim(pooled.Id, id, pooled.ContainerId), CancellationToken.None);
        var taken = pooled with { Id = id, NetnsPath = netnsPath };
        await _store.WriteAsync(taken, CancellationToken.None);
        try
        {
            NetnsRebind.Bind(pooled.NetnsPath, netnsPath);
        }
        catch
        {
            // The marker stays: the pool's release (DEL) then finds no taker with its CNI container id and deletes it.
            _store.Delete(id);
            throw;
        }

        FinishHandOver(pooled.Id, pooled.NetnsPath);
        LogTookPooled(id, pooled.Id);
        return taken;
    }

    /// <summary>The taker holds the netns and the record now; the pool's name for it goes, without DEL.</summary>
    private void FinishHandOver(string poolId, string poolNetnsPath)
    {
        try
        {
            NamedNetworkNamespaces.Remove(poolNetnsPath);
            _store.Delete(poolId);
            _claims!.Delete(poolId);
        }
        catch (Exception e) when (e is NetworkException or IOException)
        {
            // Marker and record stay; the next recovery sees the taker's record and finishes this.
            LogFinishHandOverFailed(e, poolId);
        }
    }

    Task IPooledAttachments.CreateAsync(string poolId, CancellationToken cancellationToken) => AttachAsync(poolId, cancellationToken);

    async Task IPooledAttachments.ReleaseAsync(string poolId, CancellationToken cancellationToken)
    {
        await DetachAsync(poolId, cancellationToken);
        _claims!.Delete(poolId);
    }

    async Task<IReadOnlyList<string>> IPooledAttachments.RecoverAsync(string poolIdPrefix, CancellationToken cancellationToken)
    {
        var prefix = poolIdPrefix + "-";
        foreach (var poolId in _claims!.List(prefix))
        {
            await RecoverClaimAsync(poolId, cancellationToken);
        }

        var current = (await LoadNetworkAsync(cancellationToken)).ToJson();
        var ready = new List<string>();
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        var records = Directory.Exists(_options.StateDirectory) ? Directory.GetFiles(_options.StateDirectory, prefix + "*.json") : [];
        foreach (var poolId in records.Select(path => Path.GetFileNameWithoutExtension(path)))
        {
            recorded.Add(poolId);
            var pooled = await _store.ReadAsync(poolId, cancellationToken);
            if (pooled is { Result: not null } && NamedNetworkNamespaces.IsNamespace(pooled.NetnsPath) && JsonNode.DeepEquals(pooled.Network, current))
            {
                ready.Add(poolId);
            }
            else
            {
                LogReleasingStalePooled(poolId);
                await DetachAsync(poolId, cancellationToken);
            }
        }

        // Every pooled netns is made after its record and removed before it, so one without a record is a bare leftover.
        if (Directory.Exists(_options.NetnsDirectory))
        {
            foreach (var path in Directory.GetFiles(_options.NetnsDirectory, prefix + "*").Where(path => !recorded.Contains(Path.GetFileName(path))))
            {
                NamedNetworkNamespaces.Remove(path);
            }
        }

        // Every start runs this recovery, pool or not: the one place for the sweep, after the stale entries above had
        // their DEL. It logs its own failures, so it never holds the pool back.
        await RemoveStaleMasqueradesAsync(cancellationToken);
        return ready;
    }

    private async Task RecoverClaimAsync(string poolId, CancellationToken cancellationToken)
    {
        var claim = await _claims!.ReadAsync(poolId, cancellationToken);
        var pooled = await _store.ReadAsync(poolId, cancellationToken);
        if (claim is null || pooled is null)
        {
            // The hand-over finished up to the marker's deletion.
            _claims.Delete(poolId);
            return;
        }

        var taker = await _store.ReadAsync(claim.TakenBy, cancellationToken);
        if (taker?.ContainerId == claim.ContainerId)
        {
            LogFinishingHandOver(poolId, claim.TakenBy);
            FinishHandOver(poolId, pooled.NetnsPath);
        }
        else
        {
            // The taker never got its record, or already released it (a repeated DEL is harmless): undo it all.
            LogUndoingHandOver(poolId, claim.TakenBy);
            await DetachAsync(poolId, cancellationToken);
            _claims.Delete(poolId);
        }
    }
}
