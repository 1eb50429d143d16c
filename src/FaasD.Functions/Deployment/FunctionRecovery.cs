using FaasD.Functions.Abstractions;
using FaasD.Functions.Scaling;
using FaasD.Functions.Waking;
using FaasD.Runtime;
using Microsoft.Extensions.Logging;

namespace FaasD.Functions.Deployment;

/// <summary>
/// Rebuilds the in-memory view from containerd at start, the only source of truth. Running tasks are adopted
/// as they are, frozen ones stay frozen, missing tasks (after a reboot or a crash) are started again, and
/// leftovers of an update interrupted half-way (two generations of one function) are resolved to one.
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
    public async Task<RecoverySummary> RecoverAsync(CancellationToken cancellationToken)
    {
        var summary = new RecoverySummary();
        var coldStarts = new List<(FunctionKey Key, DeployedFunction Function, ScaleToZeroSettings Settings)>();
        foreach (var @namespace in await namespaces.ListAsync(cancellationToken))
        {
            var containers = await runtime.ListContainersAsync(@namespace, cancellationToken);
            foreach (var group in containers.GroupBy(c => ContainerNaming.FunctionOf(c.Id)))
            {
                var candidates = group
                    .Select(c => (Container: c, Deployment: StoredDeployment.TryDeserialize(c.Payload.Span)))
                    .Where(c => c.Deployment is not null)
                    .OrderByDescending(c => c.Deployment!.Generation)
                    .ToList();
                if (candidates.Count == 0)
                {
                    Log.Foreign(logger, @namespace, group.Key);
                    continue;
                }

                var chosen = await ChooseAsync(candidates, cancellationToken);
                foreach (var (container, _) in candidates.Where(c => c.Container.Id != chosen.Container.Id))
                {
                    Log.DroppingGeneration(logger, @namespace, container.Id);
                    await platform.RemoveContainerAsync(@namespace, container.Id, cancellationToken);
                }

                var deployment = chosen.Deployment!;
                var key = new FunctionKey(@namespace, deployment.Name);
                var function = new DeployedFunction(deployment, chosen.Container.Id, chosen.Container.CreatedAt);
                catalog.Set(key, function);
                if (!ScaleToZeroSettings.TryParse(deployment.Labels, scaleOptions, out var settings, out _))
                {
                    settings = ScaleToZeroSettings.FromDefaults(scaleOptions);
                }

                var task = await runtime.GetTaskAsync(@namespace, chosen.Container.Id, cancellationToken);
                switch (task.State)
                {
                    case TaskState.Running when task.Address is not null:
                        registry.Add(key, LifecycleState.Running, starter.Adopt(@namespace, deployment.Name, chosen.Container.Id, task.Address), settings);
                        summary.Adopted++;
                        break;
                    case TaskState.Paused when task.Address is not null:
                        registry.Add(key, LifecycleState.Paused, starter.Adopt(@namespace, deployment.Name, chosen.Container.Id, task.Address), settings);
                        summary.Frozen++;
                        break;
                    default:
                        coldStarts.Add((key, function, settings));
                        break;
                }
            }
        }

        await Parallel.ForEachAsync(coldStarts, new ParallelOptions { MaxDegreeOfParallelism = options.RecoveryParallelism, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                try
                {
                    await runtime.StopTaskAsync(item.Key.Namespace, item.Function.ContainerId, TimeSpan.Zero, ct);
                    var destination = await starter.StartAsync(item.Key.Namespace, item.Key.Name, item.Function.ContainerId, ct);
                    registry.Add(item.Key, LifecycleState.Running, destination, item.Settings);
                    Interlocked.Increment(ref summary.Restarted);
                }
                catch (Exception ex) when (ex is RuntimeException or TimeoutException or FunctionPlatformException)
                {
                    // Listed as stopped; its next request tries the cold start again.
                    Log.RestartFailed(logger, item.Key, ex);
                    registry.Add(item.Key, LifecycleState.Stopped, null, item.Settings);
                    Interlocked.Increment(ref summary.Failed);
                }
            });
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
        [LoggerMessage(EventId = LogEvents.Foreign, Level = LogLevel.Warning, Message = "Container {Namespace}/{Container} carries no FaasD deployment; left alone")]
        public static partial void Foreign(ILogger logger, string @namespace, string container);

        [LoggerMessage(EventId = LogEvents.DroppingGeneration, Level = LogLevel.Information, Message = "Removing {Namespace}/{Container}, left over from an interrupted update")]
        public static partial void DroppingGeneration(ILogger logger, string @namespace, string container);

        [LoggerMessage(EventId = LogEvents.RecoveryRestartFailed, Level = LogLevel.Warning, Message = "Could not start {Function} again; its next request will retry")]
        public static partial void RestartFailed(ILogger logger, FunctionKey function, Exception exception);
    }
}
