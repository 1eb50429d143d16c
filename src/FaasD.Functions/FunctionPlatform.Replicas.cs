namespace FaasD.Functions;

/// <summary>
/// Replica work: start several at once, change the count, roll an update replica by replica, restart a failed one.
/// A replica leaves only after its in-flight requests have ended (bounded by the stop grace period): it is taken out
/// of rotation first, then its count is awaited, then its container is removed. Callers hold the function's lock.
/// </summary>
internal sealed partial class FunctionPlatform
{
    /// <summary>Creates and starts one replica per index in parallel; if any fails, removes those that started and throws.</summary>
    internal async Task<IReadOnlyList<StartedFunction>> StartReplicasAsync(StoredDeployment deployment, IReadOnlyList<int> indices, CancellationToken cancellationToken)
    {
        var attempts = indices.Select(async index =>
        {
            try
            {
                return (Started: (StartedFunction?)await CreateAndStartAsync(deployment, cancellationToken, index), Error: (Exception?)null);
            }
            catch (Exception ex) when (ex is FunctionPlatformException or RuntimeException or TimeoutException or OperationCanceledException)
            {
                return (Started: null, Error: ex);
            }
        }).ToList();
        var results = await Task.WhenAll(attempts);
        if (results.FirstOrDefault(r => r.Error is not null).Error is { } error)
        {
            await Task.WhenAll(results.Where(r => r.Started is not null)
                .Select(r => RemoveContainerAsync(deployment.Namespace, r.Started!.Value.Function.ContainerId, CancellationToken.None)));
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return [.. results.Select(r => r.Started!.Value)];
    }

    /// <summary>
    /// Adds or retires replicas until <paramref name="target"/> serve, thawing the ones a wake left frozen. The function
    /// has been woken first. Retired first: failed replicas, then frozen ones, then the highest numbers.
    /// </summary>
    internal async Task SetReplicaCountAsync(FunctionKey key, FunctionHandle handle, int target, CancellationToken cancellationToken)
    {
        if (!_catalog.TryGet(key, out var function))
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function: {key} not found");
        }

        handle.DesiredReplicas = target;
        var active = handle.Replicas.Where(r => r.State != ReplicaState.Draining).ToList();
        if (active.Count < target)
        {
            var used = active.Select(r => r.Index).ToHashSet();
            var indices = Enumerable.Range(0, int.MaxValue).Where(i => !used.Contains(i)).Take(target - active.Count).ToList();
            var added = indices
                .Select(i => handle.AddReplica(ContainerNaming.ReplicaIdFor(key.Name, function.Deployment.Generation, i), i))
                .OfType<Replica>()
                .ToList();
            PublishCatalog(key, function.Deployment, function.CreatedAt, handle);
            var failures = await Task.WhenAll(added.Select(r => StartMemberAsync(key, handle, function.Deployment, r, cancellationToken)));
            PublishCatalog(key, function.Deployment, function.CreatedAt, handle);
            Log.Scaled(_logger, key, active.Count, handle.Replicas.Count(r => r.State != ReplicaState.Draining));
            if (failures.FirstOrDefault(f => f is not null) is { } failure)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }
        else if (active.Count > target)
        {
            // Failed replicas go first, then frozen ones, then the highest numbers, so the primary stays.
            var victims = active
                .OrderBy(r => r.State switch { ReplicaState.Out => 0, ReplicaState.Frozen => 1, ReplicaState.Ready => 3, _ => 2 })
                .ThenByDescending(r => r.Index)
                .Take(active.Count - target)
                .ToList();
            await Task.WhenAll(victims.Select(r => RetireReplicaAsync(key, handle, r)));
            PublishCatalog(key, function.Deployment, function.CreatedAt, handle);
            Log.Scaled(_logger, key, active.Count, target);
        }

        await handle.ThawAllAsync(cancellationToken);
    }

    /// <summary>
    /// Update: a sleeping function gets the new generation in one swap; a serving one is rolled replica by replica
    /// (new replica i ready, then old replica i drained and removed), so under steady load no request fails.
    /// </summary>
    internal async Task RollOutAsync(FunctionKey key, DeployedFunction old, StoredDeployment deployment, ScaleToZeroSettings settings,
        ScalingSettings scaling, CancellationToken cancellationToken)
    {
        if (!_registry.TryGet(key, out var handle))
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function: {key} not found");
        }

        var target = scaling.Clamp(handle.DesiredReplicas);
        var createdAt = _time.GetUtcNow();
        if (handle.State != LifecycleState.Running)
        {
            var started = await StartReplicasAsync(deployment, [.. Enumerable.Range(0, target)], cancellationToken);
            var oldIds = old.ReplicaIds.Union(handle.Replicas.Select(r => r.ContainerId)).ToList();
            var seeds = started.Select(r => new ReplicaSeed(r.Function.ContainerId, ContainerNaming.ReplicaOf(r.Function.ContainerId), r.Destination)).ToList();
            _registry.ReplaceReplicas(key, LifecycleState.Running, seeds, settings);
            ApplyScaling(handle, scaling, target);
            PublishCatalog(key, deployment, started[0].Function.CreatedAt, handle);
            Log.Updated(_logger, key, old.ContainerId, started[0].Function.ContainerId);
            await Task.WhenAll(oldIds.Select(id => RemoveContainerAsync(key.Namespace, id, CancellationToken.None)));
            return;
        }

        var olds = handle.Replicas.Where(r => r.State != ReplicaState.Draining).OrderBy(r => r.Index).ToList();
        var steps = Math.Max(target, olds.Count);
        var switched = false;
        for (var i = 0; i < steps; i++)
        {
            if (i < target)
            {
                var replica = handle.AddReplica(ContainerNaming.ReplicaIdFor(key.Name, deployment.Generation, i), i)
                    ?? throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function: {key} not found");
                PublishCatalog(key, switched ? deployment : old.Deployment, createdAt, handle);
                var failure = await StartMemberAsync(key, handle, deployment, replica, cancellationToken);
                if (failure is not null)
                {
                    if (!switched)
                    {
                        // Nothing was retired yet: the old generation simply keeps serving.
                        PublishCatalog(key, old.Deployment, old.CreatedAt, handle);
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                    }

                    // Part of the new generation serves already: finish the switch with what runs and report the failure.
                    await Task.WhenAll(olds.Skip(i).Select(r => RetireReplicaAsync(key, handle, r)));
                    ApplyScaling(handle, scaling, target);
                    handle.UpdateSettings(settings);
                    PublishCatalog(key, deployment, createdAt, handle);
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                }

                switched = true;
            }

            if (i < olds.Count)
            {
                await RetireReplicaAsync(key, handle, olds[i]);
            }
        }

        ApplyScaling(handle, scaling, target);
        handle.UpdateSettings(settings);
        PublishCatalog(key, deployment, createdAt, handle);
        Log.Updated(_logger, key, old.ContainerId, ContainerNaming.ContainerIdFor(key.Name, deployment.Generation));
    }

    /// <summary>The autoscaler's call: the count within [min, max] for a function that serves; a sleeping or removed one is left alone.</summary>
    internal async Task AutoscaleAsync(FunctionKey key, int replicas, CancellationToken cancellationToken)
    {
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        if (_registry.TryGet(key, out var handle) && handle.State == LifecycleState.Running)
        {
            await SetReplicaCountAsync(key, handle, handle.Scaling.Clamp(replicas), cancellationToken);
        }
    }

    /// <summary>
    /// Replaces a failed replica's task (the supervisor's call): true when it serves again or no longer needs to
    /// (removed, function asleep, already restarted), false when the restart failed and should be retried.
    /// </summary>
    internal async Task<bool> RestartReplicaAsync(FunctionKey key, string containerId, CancellationToken cancellationToken)
    {
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        if (!_registry.TryGet(key, out var handle)
            || handle.State != LifecycleState.Running
            || handle.FindReplica(containerId) is not { } replica
            || !handle.TryMarkReplicaStarting(replica))
        {
            return true;
        }

        try
        {
            // The dead task must go before a new one can be created (and its netns and IP with it).
            await _runtime.StopTaskAsync(key.Namespace, containerId, TimeSpan.Zero, cancellationToken);
            var destination = await _starter.StartAsync(key.Namespace, key.Name, containerId, cancellationToken);
            handle.MarkReplicaReady(replica, destination);
            Log.ReplicaRestarted(_logger, key, containerId);
            return true;
        }
        catch (Exception ex) when (ex is RuntimeException or TimeoutException or FunctionPlatformException)
        {
            handle.MarkReplicaOut(replica);
            Log.ReplicaRestartFailed(_logger, key, containerId, ex);
            return false;
        }
    }

    /// <summary>Waits until the replica has no request in flight, at most the stop grace period.</summary>
    internal async Task WaitForIdleAsync(Replica replica, CancellationToken cancellationToken)
    {
        try
        {
            await replica.WhenIdleAsync().WaitAsync(_options.StopGracePeriod, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            Log.DrainTimedOut(_logger, replica.ContainerId, replica.InFlight, _options.StopGracePeriod.TotalSeconds);
        }
    }

    /// <summary>Out of rotation, in-flight requests finished (bounded), then the container goes.</summary>
    private async Task RetireReplicaAsync(FunctionKey key, FunctionHandle handle, Replica replica)
    {
        var drained = handle.DrainReplicaAsync(replica);
        try
        {
            await drained.WaitAsync(_options.StopGracePeriod, _time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            Log.DrainTimedOut(_logger, replica.ContainerId, replica.InFlight, _options.StopGracePeriod.TotalSeconds);
        }

        handle.RemoveReplica(replica);
        await RemoveContainerAsync(key.Namespace, replica.ContainerId, CancellationToken.None);
        Log.ReplicaRetired(_logger, key, replica.ContainerId, replica.Served);
    }

    /// <summary>Creates and starts a member added as Starting; on failure it is dropped again. Returns the failure.</summary>
    private async Task<Exception?> StartMemberAsync(FunctionKey key, FunctionHandle handle, StoredDeployment deployment, Replica replica, CancellationToken cancellationToken)
    {
        try
        {
            var started = await CreateAndStartAsync(deployment, cancellationToken, replica.Index);
            handle.MarkReplicaReady(replica, started.Destination);
            return null;
        }
        catch (Exception ex) when (ex is FunctionPlatformException or RuntimeException or TimeoutException or OperationCanceledException)
        {
            handle.RemoveReplica(replica);
            Log.ReplicaStartFailed(_logger, key, replica.ContainerId, ex);
            return ex;
        }
    }

    private static void ApplyScaling(FunctionHandle handle, ScalingSettings scaling, int desired)
    {
        handle.Scaling = scaling;
        handle.DesiredReplicas = desired;
    }

    /// <summary>The catalog names every replica's container (scale to zero acts on all) and the primary one (a cold start wakes it).</summary>
    private void PublishCatalog(FunctionKey key, StoredDeployment deployment, DateTimeOffset createdAt, FunctionHandle handle)
    {
        var members = handle.Replicas.OrderBy(r => r.Index).ToList();
        var primary = members.Where(r => r.State != ReplicaState.Draining).MinBy(r => r.Index) ?? members.FirstOrDefault();
        if (primary is null)
        {
            return;
        }

        _catalog.Set(key, new DeployedFunction(deployment, primary.ContainerId, createdAt) { ReplicaIds = [.. members.Select(r => r.ContainerId)] });
    }
}
