using FaasD.Functions.Abstractions;
using FaasD.Functions.Deployment;
using FaasD.Functions.Scaling;
using FaasD.Functions.Waking;
using FaasD.Runtime;
using FaasD.Runtime.Logs;
using FaasD.Shared;
using Microsoft.Extensions.Logging;

namespace FaasD.Functions;

/// <summary>
/// Functions on containerd: deploy, rolling update, remove, scale, and the hot-path endpoint lookup.
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

        var deployment = StoredDeployment.From(spec, generation: 1);
        var started = await CreateAndStartAsync(deployment, cancellationToken);
        _catalog.Set(key, started.Function);
        _registry.Add(key, LifecycleState.Running, started.Destination, settings);
        Log.Deployed(_logger, key, started.Function.ContainerId, started.Elapsed.TotalMilliseconds);
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

        // Rolling: the new generation runs and answers before traffic moves to it and the old one stops.
        var deployment = StoredDeployment.From(spec, old.Deployment.Generation + 1);
        var started = await CreateAndStartAsync(deployment, cancellationToken);

        // Registry first: replacing resets the idle clock, so the idler cannot pause the new container
        // through a catalog entry that already points at it while the handle still describes the old one.
        _registry.Replace(key, LifecycleState.Running, started.Destination, settings);
        _catalog.Set(key, started.Function);
        Log.Updated(_logger, key, old.ContainerId, started.Function.ContainerId);
        Announce(new FunctionChange(FunctionChangeKind.Updated, spec.Namespace, spec.Name, spec));

        await Task.Delay(_options.UpdateDrainDelay, _time, CancellationToken.None);
        await RemoveContainerAsync(spec.Namespace, old.ContainerId, CancellationToken.None);
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

        await _registry.RemoveAsync(key);
        _catalog.Remove(key);
        Announce(new FunctionChange(FunctionChangeKind.Removed, @namespace, name, null));

        // Past this point the caller has been told "removed"; finish even if they hang up.
        await RemoveContainerAsync(@namespace, function.ContainerId, CancellationToken.None);
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
        }
    }

    public ValueTask<EndpointLease> AcquireEndpointAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _registry.AcquireEndpointAsync(@namespace, name, cancellationToken);

    /// <summary>
    /// A task ended on its own (crash, OOM kill, the process exited). The function is marked as having no task,
    /// so its next request starts a fresh one. Exits of replaced generations, removed functions and tasks that
    /// scale to zero stopped on purpose are ignored.
    /// </summary>
    public async Task OnTaskExitedAsync(string @namespace, string containerId, uint exitStatus, CancellationToken cancellationToken)
    {
        var key = new FunctionKey(@namespace, ContainerNaming.FunctionOf(containerId));
        if (!IsCurrentContainer(key, containerId))
        {
            return;
        }

        using var held = await _locks.AcquireAsync(key, cancellationToken);
        if (IsCurrentContainer(key, containerId) && _registry.TryGet(key, out var handle) && handle.State == LifecycleState.Running)
        {
            Log.TaskExited(_logger, key, containerId, exitStatus);
            _registry.Replace(key, LifecycleState.Stopped, null, handle.Settings);
        }
    }

    /// <summary>
    /// After containerd's event stream was interrupted (exits in between are lost): any function believed to be
    /// running whose task is in fact gone is marked as having none, so its next request starts it again.
    /// </summary>
    public async Task ReconcileTasksAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, function) in _catalog.All())
        {
            if (_registry.TryGet(key, out var handle) && handle.State == LifecycleState.Running)
            {
                var task = await _runtime.GetTaskAsync(key.Namespace, function.ContainerId, cancellationToken);
                if (task.State is TaskState.None or TaskState.Stopped)
                {
                    await OnTaskExitedAsync(key.Namespace, function.ContainerId, exitStatus: 0, cancellationToken);
                }
            }
        }
    }

    private bool IsCurrentContainer(FunctionKey key, string containerId) =>
        _catalog.TryGet(key, out var function) && function.ContainerId == containerId;

    /// <summary>Creates the container, starts its task and waits for the port; on any failure removes what it made.</summary>
    internal async Task<StartedFunction> CreateAndStartAsync(StoredDeployment deployment, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var containerId = ContainerNaming.ContainerIdFor(deployment.Name, deployment.Generation);
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
                // A leftover of a crashed deploy that recovery had not adopted: replace it.
                await _runtime.DeleteContainerAsync(deployment.Namespace, containerId, cancellationToken);
                await _runtime.CreateContainerAsync(spec, cancellationToken);
            }

            var container = await _runtime.GetContainerAsync(deployment.Namespace, containerId, cancellationToken);
            var destination = await _starter.StartAsync(deployment.Namespace, deployment.Name, containerId, cancellationToken);
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

    internal async Task RemoveContainerAsync(string @namespace, string containerId, CancellationToken cancellationToken)
    {
        try
        {
            await _runtime.StopTaskAsync(@namespace, containerId, _options.StopGracePeriod, cancellationToken);
            await _runtime.DeleteContainerAsync(@namespace, containerId, cancellationToken);
        }
        catch (RuntimeException ex) when (ex.Kind == RuntimeErrorKind.NotFound)
        {
        }
        finally
        {
            _logs.Unfollow(@namespace, containerId);
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
        [LoggerMessage(EventId = LogEvents.Deployed, Level = LogLevel.Information, Message = "Deployed {Function} as container {Container} in {Milliseconds:0} ms")]
        public static partial void Deployed(ILogger logger, FunctionKey function, string container, double milliseconds);

        [LoggerMessage(EventId = LogEvents.Updated, Level = LogLevel.Information, Message = "Updated {Function}: {OldContainer} replaced by {NewContainer}")]
        public static partial void Updated(ILogger logger, FunctionKey function, string oldContainer, string newContainer);

        [LoggerMessage(EventId = LogEvents.Removed, Level = LogLevel.Information, Message = "Removed {Function}")]
        public static partial void Removed(ILogger logger, FunctionKey function);

        [LoggerMessage(EventId = LogEvents.TaskExited, Level = LogLevel.Warning, Message = "Task of {Function} ({Container}) exited with status {ExitStatus}; the next request starts it again")]
        public static partial void TaskExited(ILogger logger, FunctionKey function, string container, uint exitStatus);
    }
}
