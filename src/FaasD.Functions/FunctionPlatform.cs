namespace FaasD.Functions;

/// <summary>
/// Functions on containerd: deploy, rolling update, remove, scale, and the hot-path endpoint lookup.
/// A function runs as one or more replicas (containers with their own task and netns); replica work lives in
/// FunctionPlatform.Replicas.cs.
/// Management operations on one function are serialised by that function's own semaphore; different
/// functions never wait for each other. Every operation leaves containerd in a state that the next start's
/// recovery (<see cref="FunctionRecovery"/>) can finish or clean up.
/// </summary>
internal sealed partial class FunctionPlatform(
    IContainerRuntime runtime,
    FunctionCatalog catalog,
    FunctionRegistry registry,
    ContainerSpecFactory specs,
    INamespaceStore namespaces,
    ILogCapture logs,
    TaskStarter starter,
    ScaleToZeroOptions scaleOptions,
    FunctionPlatformOptions options,
    TimeProvider time,
    ILogger<FunctionPlatform> logger,
    IEnumerable<IFunctionSpecValidator>? validators = null,
    IEnumerable<IFunctionChangeObserver>? observers = null) : IFunctionPlatform
{
    private readonly KeyedAsyncLock<FunctionKey> _locks = new();
    private readonly IContainerRuntime _runtime = runtime;
    private readonly FunctionCatalog _catalog = catalog;
    private readonly FunctionRegistry _registry = registry;
    private readonly ContainerSpecFactory _specs = specs;
    private readonly INamespaceStore _namespaces = namespaces;
    private readonly ILogCapture _logs = logs;
    private readonly TaskStarter _starter = starter;
    private readonly ScaleToZeroOptions _scaleOptions = scaleOptions;
    private readonly FunctionPlatformOptions _options = options;
    private readonly TimeProvider _time = time;
    private readonly ILogger<FunctionPlatform> _logger = logger;
    private readonly IFunctionSpecValidator[] _validators = validators?.ToArray() ?? [];
    private readonly IFunctionChangeObserver[] _observers = observers?.ToArray() ?? [];

    public async Task<IReadOnlyList<FunctionInfo>> ListAsync(string @namespace, CancellationToken cancellationToken)
    {
        await RequireNamespaceAsync(@namespace, cancellationToken);
        return _catalog.InNamespace(@namespace).Select(f => Describe(f.Key, f.Function)).ToList();
    }

    public async Task<FunctionInfo?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        await RequireNamespaceAsync(@namespace, cancellationToken);
        var key = new FunctionKey(@namespace, name);
        return _catalog.TryGet(key, out var function) ? Describe(key, function) : null;
    }

    public async Task DeployAsync(FunctionSpec spec, CancellationToken cancellationToken)
    {
        var settings = await ValidateAsync(spec, cancellationToken);
        var key = new FunctionKey(spec.Namespace, spec.Name);
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        if (_catalog.TryGet(key, out _))
        {
            throw new FunctionPlatformException(FunctionErrorKind.AlreadyExists, $"function {key} already exists");
        }

        var scaling = ValidateScaling(spec);
        var deployment = StoredDeployment.From(spec, generation: 1);
        var began = _time.GetTimestamp();
        var started = await StartReplicasAsync(deployment, [.. Enumerable.Range(0, scaling.Min)], cancellationToken);
        var seeds = started.Select(r => new ReplicaSeed(r.Function.ContainerId, ContainerNaming.ReplicaOf(r.Function.ContainerId), r.Destination)).ToList();
        _catalog.Set(key, started[0].Function with { ReplicaIds = [.. seeds.Select(r => r.ContainerId)] });
        _registry.TryAddReplicas(key, LifecycleState.Running, seeds, settings, out var handle);
        handle.Scaling = scaling;
        handle.DesiredReplicas = scaling.Min;
        Log.Deployed(_logger, key, started[0].Function.ContainerId, _time.GetElapsedTime(began).TotalMilliseconds);
        Announce(new FunctionChange(FunctionChangeKind.Deployed, spec.Namespace, spec.Name, spec));
    }

    public async Task UpdateAsync(FunctionSpec spec, CancellationToken cancellationToken)
    {
        var settings = await ValidateAsync(spec, cancellationToken);
        var key = new FunctionKey(spec.Namespace, spec.Name);
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        if (!_catalog.TryGet(key, out var old))
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function: {key} not found");
        }

        var scaling = ValidateScaling(spec);
        var deployment = StoredDeployment.From(spec, old.Deployment.Generation + 1);
        try
        {
            await RollOutAsync(key, old, deployment, settings, scaling, cancellationToken);
        }
        catch (FunctionPlatformException ex) when (ex.InnerException is RuntimeException && _catalog.TryGet(key, out var current) && current.Deployment.Generation == old.Deployment.Generation)
        {
            // A daemon killed mid-update can leave containerd's state for the next generation's name behind (the
            // shim directory of a task whose create recovery cut short). Nothing has moved to the new generation
            // yet, so that name is skipped once instead of failing every later update.
            Log.GenerationSkipped(_logger, key, deployment.Generation, ex.Message);
            deployment = StoredDeployment.From(spec, deployment.Generation + 1);
            await RollOutAsync(key, old, deployment, settings, scaling, cancellationToken);
        }

        Announce(new FunctionChange(FunctionChangeKind.Updated, spec.Namespace, spec.Name, spec));
    }

    public async Task RemoveAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        await RequireNamespaceAsync(@namespace, cancellationToken);
        var key = new FunctionKey(@namespace, name);
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        if (!_catalog.TryGet(key, out var function))
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function {key} not found");
        }

        var replicas = _registry.TryGet(key, out var handle) ? handle.Replicas : [];
        var containerIds = function.ReplicaIds.Union(replicas.Select(r => r.ContainerId)).ToList();

        // The intent goes to containerd first: if anything below is cut short (a crash, containerd not letting go of a
        // task), the next start finishes the removal rather than bringing the function back. Nothing has changed yet
        // when this fails.
        try
        {
            await Task.WhenAll(containerIds.Select(id => MarkRemovingAsync(@namespace, id, cancellationToken)));
        }
        catch (RuntimeException ex)
        {
            throw RuntimeErrors.Translate(ex, $"removing {key}");
        }

        await _registry.RemoveAsync(key);
        _catalog.Remove(key);
        Announce(new FunctionChange(FunctionChangeKind.Removed, @namespace, name, null));

        // Past this point the caller has been told "removed"; finish even if they hang up. Requests already
        // forwarded finish first (bounded by the stop grace period).
        await Task.WhenAll(replicas.Select(r => WaitForIdleAsync(r, CancellationToken.None)));
        try
        {
            await Task.WhenAll(containerIds.Select(id => RemoveContainerAsync(@namespace, id, CancellationToken.None)));
        }
        catch (RuntimeException ex)
        {
            // containerd did not let go of a replica in time: say so (503 with the reason), never an empty 500.
            throw RuntimeErrors.Translate(ex, $"removing {key}");
        }
        _logs.Delete(@namespace, name);
        Log.Removed(_logger, key);
    }

    public async Task ScaleAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken)
    {
        if (replicas < 0)
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, "replicas must be 0 or more");
        }

        await RequireNamespaceAsync(@namespace, cancellationToken);
        var key = new FunctionKey(@namespace, name);
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        if (!_registry.TryGet(key, out var handle))
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function: {key} not found");
        }

        if (replicas == 0)
        {
            await handle.ScaleToZeroAsync(cancellationToken);
        }
        else
        {
            await handle.ScaleUpAsync(cancellationToken);
            handle.MarkScaledByHand();
            await SetReplicaCountAsync(key, handle, handle.Scaling.Clamp(replicas), cancellationToken);
        }
    }

    public ValueTask<EndpointLease> AcquireEndpointAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _registry.AcquireEndpointAsync(@namespace, name, cancellationToken);

    /// <summary>
    /// A task ended on its own (crash, OOM kill, the process exited). That replica leaves the rotation and the
    /// supervisor restarts it (with backoff); when it was the last one serving, the function is marked as having no
    /// task, so its next request starts it again. Exits of replaced generations, removed functions, draining replicas
    /// and tasks that scale to zero stopped on purpose are ignored, and so is an exit delivered after the replica's
    /// task was already replaced (a refused connection told the supervisor first): the container then has a live task
    /// again, and taking that one out would have the supervisor kill a healthy replica.
    /// </summary>
    public async Task OnTaskExitedAsync(string @namespace, string containerId, uint exitStatus, CancellationToken cancellationToken)
    {
        var key = new FunctionKey(@namespace, ContainerNaming.FunctionOf(containerId));
        if (!(_registry.TryGet(key, out var handle)
            && handle.State == LifecycleState.Running
            && handle.FindReplica(containerId) is { State: ReplicaState.Ready } replica))
        {
            return;
        }

        var incarnation = replica.Incarnation;
        try
        {
            var task = await _runtime.GetTaskAsync(@namespace, containerId, cancellationToken);
            if (task.State is TaskState.Running or TaskState.Paused or TaskState.Created)
            {
                Log.StaleTaskExit(_logger, key, containerId, exitStatus);
                return;
            }
        }
        catch (RuntimeException)
        {
            // The task cannot be looked at: trust the event.
        }

        if (handle.ReportReplicaFailed(replica, $"task exited with status {exitStatus}", taskGone: true, incarnation: incarnation))
        {
            Log.TaskExited(_logger, key, containerId, exitStatus);
        }
    }

    /// <summary>
    /// After containerd's event stream was interrupted (exits in between are lost): any replica believed to be
    /// serving whose task is in fact gone is treated as exited.
    /// </summary>
    public async Task ReconcileTasksAsync(CancellationToken cancellationToken)
    {
        foreach (var handle in _registry.Handles)
        {
            if (handle.State != LifecycleState.Running)
            {
                continue;
            }

            foreach (var replica in handle.Replicas.Where(r => r.State == ReplicaState.Ready))
            {
                var task = await _runtime.GetTaskAsync(handle.Key.Namespace, replica.ContainerId, cancellationToken);
                if (task.State is TaskState.None or TaskState.Stopped)
                {
                    await OnTaskExitedAsync(handle.Key.Namespace, replica.ContainerId, exitStatus: 0, cancellationToken);
                }
            }
        }
    }

    /// <summary>Creates the container, starts its task and waits for the port; on any failure removes what it made.</summary>
    internal async Task<StartedFunction> CreateAndStartAsync(StoredDeployment deployment, CancellationToken cancellationToken, int replica = 0)
    {
        var started = _time.GetTimestamp();
        var containerId = ContainerNaming.ReplicaIdFor(deployment.Name, deployment.Generation, replica);
        await PullAsync(deployment, cancellationToken);
        var spec = _specs.Build(deployment, containerId);
        try
        {
            try
            {
                await _runtime.CreateContainerAsync(spec, cancellationToken);
            }
            catch (RuntimeException ex) when (ex.Kind == RuntimeErrorKind.AlreadyExists)
            {
                // A leftover of a crashed deploy that recovery had not adopted is replaced; a container of the same
                // name that is not this function's (someone else's, in a namespace FaasD shares) is never touched.
                var existing = await _runtime.GetContainerAsync(deployment.Namespace, containerId, cancellationToken);
                if (existing is not null
                    && !(existing.Labels.TryGetValue(ContainerNaming.FunctionLabel, out var owner) && owner == deployment.Name))
                {
                    throw new FunctionPlatformException(
                        FunctionErrorKind.AlreadyExists,
                        $"a container named {containerId} that FaasD did not create exists in namespace {deployment.Namespace}",
                        ex);
                }

                await _runtime.DeleteContainerAsync(deployment.Namespace, containerId, cancellationToken);
                await _runtime.CreateContainerAsync(spec, cancellationToken);
            }

            var container = await _runtime.GetContainerAsync(deployment.Namespace, containerId, cancellationToken);
            var destination = await _starter.StartAsync(deployment.Namespace, deployment.Name, containerId, cancellationToken, deployment);
            var function = new DeployedFunction(deployment, containerId, container?.CreatedAt ?? _time.GetUtcNow());
            return new StartedFunction(function, destination, _time.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await RemoveContainerAsync(deployment.Namespace, containerId, CancellationToken.None);
            throw ex switch
            {
                RuntimeException runtime => RuntimeErrors.Translate(runtime, $"deploying {deployment.Name}"),
                TimeoutException timeout => new FunctionPlatformException(FunctionErrorKind.Timeout,
                    $"function {deployment.Name} did not become ready: {timeout.Message}", timeout),
                _ => ex,
            };
        }
        catch (OperationCanceledException)
        {
            await RemoveContainerAsync(deployment.Namespace, containerId, CancellationToken.None);
            throw;
        }
    }

    private async Task MarkRemovingAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        try
        {
            await _runtime.SetContainerLabelsAsync(@namespace, containerId, s_removing, cancellationToken);
        }
        catch (RuntimeException ex) when (ex.Kind is RuntimeErrorKind.NotFound or RuntimeErrorKind.FailedPrecondition)
        {
            // Gone already, or not ours (RemoveContainerAsync leaves those alone too).
        }
    }

    private static readonly Dictionary<string, string> s_removing = new(StringComparer.Ordinal) { [ContainerNaming.RemovingLabel] = "true" };

    internal async Task RemoveContainerAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        var ours = true;
        try
        {
            await _runtime.StopTaskAsync(@namespace, containerId, _options.StopGracePeriod, cancellationToken);
            await _runtime.DeleteContainerAsync(@namespace, containerId, cancellationToken);
        }
        catch (RuntimeException ex) when (ex.Kind == RuntimeErrorKind.NotFound)
        {
        }
        catch (RuntimeException ex) when (ex.Kind == RuntimeErrorKind.FailedPrecondition)
        {
            // Not FaasD's container (the runtime refuses to touch it): nothing of ours to clean up, and its log
            // file is not ours either.
            ours = false;
            Log.ForeignContainerKept(_logger, @namespace, containerId, ex.Message);
        }
        finally
        {
            if (ours)
            {
                _logs.Unfollow(@namespace, containerId);
            }
        }
    }

    private async Task PullAsync(StoredDeployment deployment, CancellationToken cancellationToken)
    {
        try
        {
            await _runtime.EnsureImageAsync(deployment.Namespace, deployment.Image, cancellationToken);
        }
        catch (RuntimeException ex)
        {
            // The contract answers 400 for an image that cannot be pulled, whatever the reason.
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, $"unable to pull image {deployment.Image}: {ex.Message}", ex);
        }
    }

    private static ScalingSettings ValidateScaling(FunctionSpec spec) =>
        ScalingSettings.TryParse(spec.Labels, out var scaling, out var error)
            ? scaling
            : throw new FunctionPlatformException(FunctionErrorKind.Invalid, error);

    private async Task<ScaleToZeroSettings> ValidateAsync(FunctionSpec spec, CancellationToken cancellationToken)
    {
        _specs.Validate(spec);
        foreach (var validator in _validators)
        {
            if (validator.Validate(spec) is { } reason)
            {
                throw new FunctionPlatformException(FunctionErrorKind.Invalid, reason);
            }
        }

        await RequireNamespaceAsync(spec.Namespace, cancellationToken);
        return ScaleToZeroSettings.Parse(spec.Labels, _scaleOptions);
    }

    private void Announce(FunctionChange change)
    {
        foreach (var observer in _observers)
        {
            observer.OnFunctionChanged(change);
        }
    }

    private async Task RequireNamespaceAsync(string @namespace, CancellationToken cancellationToken)
    {
        if (!await _namespaces.IsValidAsync(@namespace, cancellationToken))
        {
            throw new FunctionPlatformException(FunctionErrorKind.Invalid, "namespace not valid");
        }
    }

    private FunctionInfo Describe(FunctionKey key, DeployedFunction function)
    {
        var status = _registry.TryGet(key, out var handle) ? handle.Status : default;
        return new FunctionInfo
        {
            Spec = function.Deployment.ToSpec(),
            Replicas = status.Replicas,
            AvailableReplicas = status.AvailableReplicas,
            CreatedAt = function.CreatedAt,
            State = status.State,
        };
    }

    internal readonly record struct StartedFunction(DeployedFunction Function, string Destination, TimeSpan Elapsed);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.GenerationSkipped, Level = LogLevel.Warning, Message = "Update of {Function}: generation {Generation} could not start ({Reason}); trying the next one")] public static partial void GenerationSkipped(ILogger logger, FunctionKey function, long generation, string reason);

        [LoggerMessage(EventId = LogEvents.ForeignContainerKept, Level = LogLevel.Warning, Message = "Left {Namespace}/{Container} alone: {Reason}")] public static partial void ForeignContainerKept(ILogger logger, string @namespace, string container, string reason);

        [LoggerMessage(EventId = LogEvents.Deployed, Level = LogLevel.Information, Message = "Deployed {Function} as container {Container} in {Milliseconds:0} ms")] public static partial void Deployed(ILogger logger, FunctionKey function, string container, double milliseconds);

        [LoggerMessage(EventId = LogEvents.Updated, Level = LogLevel.Information, Message = "Updated {Function}: {OldContainer} replaced by {NewContainer}")] public static partial void Updated(ILogger logger, FunctionKey function, string oldContainer, string newContainer);

        [LoggerMessage(EventId = LogEvents.Removed, Level = LogLevel.Information, Message = "Removed {Function}")] public static partial void Removed(ILogger logger, FunctionKey function);

        [LoggerMessage(EventId = LogEvents.TaskExited, Level = LogLevel.Warning, Message = "Task of {Function} ({Container}) exited with status {ExitStatus}; the replica is replaced")] public static partial void TaskExited(ILogger logger, FunctionKey function, string container, uint exitStatus);

        [LoggerMessage(EventId = LogEvents.StaleTaskExit, Level = LogLevel.Information, Message = "An exit (status {ExitStatus}) of {Function} ({Container}) arrived after its task was replaced; the live replica is kept")] public static partial void StaleTaskExit(ILogger logger, FunctionKey function, string container, uint exitStatus);

        [LoggerMessage(EventId = LogEvents.ReplicasScaled, Level = LogLevel.Information, Message = "Scaled {Function} from {From} to {To} replicas")] public static partial void Scaled(ILogger logger, FunctionKey function, int from, int to);

        [LoggerMessage(EventId = LogEvents.ReplicaRetired, Level = LogLevel.Information, Message = "{Function}: replica {Container} retired after serving {Served} requests")] public static partial void ReplicaRetired(ILogger logger, FunctionKey function, string container, long served);

        [LoggerMessage(EventId = LogEvents.ReplicaDrainTimedOut, Level = LogLevel.Warning, Message = "{Container} still had {InFlight} request(s) in flight after the {GraceSeconds} s stop grace period; stopping it anyway")] public static partial void DrainTimedOut(ILogger logger, string container, long inFlight, double graceSeconds);

        [LoggerMessage(EventId = LogEvents.ReplicaStartFailed, Level = LogLevel.Warning, Message = "{Function}: replica {Container} could not be started")] public static partial void ReplicaStartFailed(ILogger logger, FunctionKey function, string container, Exception exception);

        [LoggerMessage(EventId = LogEvents.ReplicaRestarted, Level = LogLevel.Information, Message = "{Function}: replica {Container} restarted and serving")] public static partial void ReplicaRestarted(ILogger logger, FunctionKey function, string container);

        [LoggerMessage(EventId = LogEvents.ReplicaRestartFailed, Level = LogLevel.Warning, Message = "{Function}: restarting replica {Container} failed")] public static partial void ReplicaRestartFailed(ILogger logger, FunctionKey function, string container, Exception exception);
    }
}
