namespace FaasD.Functions.Deployment;

/// <summary>
/// Rebuilds the in-memory view from containerd at start, the only source of truth. Running tasks are adopted
/// as they are, frozen ones stay frozen, missing tasks (after a reboot or a crash) are started again, and
/// leftovers of an update interrupted half-way (two generations of one function) are resolved to one. Every replica
/// of the surviving generation is adopted.
/// </summary>
internal sealed partial class FunctionRecovery(
    IContainerRuntime runtime,
    FunctionPlatform platform,
    TaskStarter starter,
    FunctionCatalog catalog,
    FunctionRegistry registry,
    INamespaceStore namespaces,
    ScaleToZeroOptions scaleOptions,
    FunctionPlatformOptions options,
    ILogger<FunctionRecovery> logger)
{
    /// <summary>
    /// An attachment whose container is gone is only released once it is this old: another daemon on the same
    /// containerd and bridge (a test run, a second instance) may be between creating a container and its attach.
    /// </summary>
    internal static readonly TimeSpan OrphanedNetworkMinAge = TimeSpan.FromMinutes(1);

    public async Task<RecoverySummary> RecoverAsync(CancellationToken cancellationToken)
    {
        var summary = new RecoverySummary();
        var coldStarts = new List<(FunctionKey Key, FunctionHandle Handle, Replica Replica)>();
        foreach (var @namespace in await namespaces.ListAsync(cancellationToken))
        {
            var containers = await runtime.ListContainersAsync(@namespace, cancellationToken);
            foreach (var removing in containers.Where(c => c.Labels.ContainsKey(ContainerNaming.RemovingLabel)))
            {
                // A removal cut short: the caller was told the function is gone, so it stays gone.
                Log.FinishingRemoval(logger, @namespace, removing.Id);
                await platform.RemoveContainerAsync(@namespace, removing.Id, cancellationToken);
                summary.RemovalsFinished++;
            }

            foreach (var group in containers.Where(c => !c.Labels.ContainsKey(ContainerNaming.RemovingLabel)).GroupBy(c => ContainerNaming.FunctionOf(c.Id)))
            {
                var candidates = group
                    .Select(c => (Container: c, Deployment: StoredDeployment.TryDeserialize(c.Payload.Span)))
                    .Where(c => c.Deployment is not null && c.Container.Labels.ContainsKey(ContainerNaming.FunctionLabel))
                    .OrderByDescending(c => c.Deployment!.Generation)
                    .ThenBy(c => ContainerNaming.ReplicaOf(c.Container.Id))
                    .ToList();
                if (candidates.Count == 0)
                {
                    Log.Foreign(logger, @namespace, group.Key);
                    continue;
                }

                var chosen = await ChooseAsync(candidates, cancellationToken);
                var generation = chosen.Deployment!.Generation;
                foreach (var (container, _) in candidates.Where(c => c.Deployment!.Generation != generation))
                {
                    Log.DroppingGeneration(logger, @namespace, container.Id);
                    await platform.RemoveContainerAsync(@namespace, container.Id, cancellationToken);
                }

                // Every replica of the chosen generation is adopted; the primary (lowest number) carries the deployment.
                var replicas = candidates.Where(c => c.Deployment!.Generation == generation).ToList();
                var primary = replicas[0];
                var deployment = primary.Deployment!;
                var key = new FunctionKey(@namespace, deployment.Name);
                catalog.Set(key, new DeployedFunction(deployment, primary.Container.Id, primary.Container.CreatedAt)
                {
                    ReplicaIds = [.. replicas.Select(r => r.Container.Id)],
                });
                if (!ScaleToZeroSettings.TryParse(deployment.Labels, scaleOptions, out var settings, out _))
                {
                    settings = ScaleToZeroSettings.FromDefaults(scaleOptions);
                }

                var tasks = new List<(string Id, TaskInfo Task)>();
                foreach (var replica in replicas)
                {
                    tasks.Add((replica.Container.Id, await runtime.GetTaskAsync(@namespace, replica.Container.Id, cancellationToken)));
                }

                // Serving when any replica runs; frozen when the live ones are all frozen; else every replica is cold-started.
                var anyRunning = tasks.Any(t => t.Task.State == TaskState.Running && t.Task.Address is not null);
                var anyPaused = tasks.Any(t => t.Task.State == TaskState.Paused && t.Task.Address is not null);
                var state = anyRunning || !anyPaused ? LifecycleState.Running : LifecycleState.Paused;
                var seeds = new List<ReplicaSeed>();
                foreach (var (id, task) in tasks)
                {
                    string? destination = null;
                    if (task.Address is not null && task.State is TaskState.Running or TaskState.Paused)
                    {
                        destination = starter.Adopt(@namespace, deployment.Name, id, task.Address);
                    }

                    // A replica left frozen while its siblings serve (a wake thaws one) stays frozen until load needs it.
                    seeds.Add(new ReplicaSeed(id, ContainerNaming.ReplicaOf(id), destination, Frozen: destination is not null && task.State == TaskState.Paused));
                }

                var handle = registry.ReplaceReplicas(key, state, seeds, settings);
                handle.Scaling = ScalingSettings.Parse(deployment.Labels);
                handle.DesiredReplicas = Math.Max(seeds.Count, handle.Scaling.Min);
                if (anyRunning)
                {
                    summary.Adopted++;
                }
                else if (anyPaused)
                {
                    summary.Frozen++;
                }

                coldStarts.AddRange(handle.Replicas.Where(r => r.State == ReplicaState.Out && state == LifecycleState.Running).Select(r => (key, handle, r)));
            }

            // Namespace names are DNS labels, so "<namespace>." names this namespace's attachments and no other's.
            if (Names.IsDns1123Label(@namespace))
            {
                var released = await runtime.ReleaseOrphanedNetworksAsync(@namespace, containers.Select(c => c.Id), OrphanedNetworkMinAge, cancellationToken);
                summary.NetworksReleased += released.Count;
            }
        }

        await Parallel.ForEachAsync(coldStarts, new ParallelOptions { MaxDegreeOfParallelism = options.RecoveryParallelism, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                try
                {
                    if (!item.Handle.TryMarkReplicaStarting(item.Replica))
                    {
                        return;
                    }

                    await runtime.StopTaskAsync(item.Key.Namespace, item.Replica.ContainerId, TimeSpan.Zero, ct);
                    var destination = await starter.StartAsync(item.Key.Namespace, item.Key.Name, item.Replica.ContainerId, ct);
                    item.Handle.MarkReplicaReady(item.Replica, destination);
                    Interlocked.Increment(ref summary.Restarted);
                }
                catch (Exception ex) when (ex is RuntimeException or TimeoutException or FunctionPlatformException)
                {
                    // Out of rotation; the supervisor (or, if none serves, the next request) tries again.
                    Log.RestartFailed(logger, item.Key, ex);
                    item.Handle.MarkReplicaOut(item.Replica);
                    Interlocked.Increment(ref summary.Failed);
                }
            });

        // A function none of whose replicas could be started is listed as stopped; its next request tries the cold start again.
        foreach (var handle in coldStarts.Select(c => c.Handle).Distinct().Where(h => h.ReadyReplicas == 0 && h.FrozenReplicas == 0))
        {
            registry.ReplaceReplicas(handle.Key, LifecycleState.Stopped, [.. handle.Replicas.Select(r => new ReplicaSeed(r.ContainerId, r.Index, null))], handle.Settings);
        }

        return summary;
    }

    /// <summary>Of several generations, the newest whose task is up wins; else simply the newest.</summary>
    private async Task<(ContainerRecord Container, StoredDeployment? Deployment)> ChooseAsync(
        List<(ContainerRecord Container, StoredDeployment? Deployment)> candidates, CancellationToken cancellationToken)
    {
        if (candidates.Count == 1)
        {
            return candidates[0];
        }

        foreach (var candidate in candidates)
        {
            var task = await runtime.GetTaskAsync(candidate.Container.Namespace, candidate.Container.Id, cancellationToken);
            if (task.State is TaskState.Running or TaskState.Paused)
            {
                return candidate;
            }
        }

        return candidates[0];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Foreign, Level = LogLevel.Warning, Message = "Container {Namespace}/{Container} carries no FaasD deployment; left alone")] public static partial void Foreign(ILogger logger, string @namespace, string container);

        [LoggerMessage(EventId = LogEvents.FinishingRemoval, Level = LogLevel.Information, Message = "Removing {Namespace}/{Container}: its function's removal was cut short")] public static partial void FinishingRemoval(ILogger logger, string @namespace, string container);

        [LoggerMessage(EventId = LogEvents.DroppingGeneration, Level = LogLevel.Information, Message = "Removing {Namespace}/{Container}, left over from an interrupted update")] public static partial void DroppingGeneration(ILogger logger, string @namespace, string container);

        [LoggerMessage(EventId = LogEvents.RecoveryRestartFailed, Level = LogLevel.Warning, Message = "Could not start {Function} again; its next request will retry")] public static partial void RestartFailed(ILogger logger, FunctionKey function, Exception exception);
    }
}
