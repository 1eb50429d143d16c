using Microsoft.Extensions.Logging.Abstractions;

namespace FaasD.Functions.Waking;

/// <summary>
/// The in-memory map of live functions the hot path resolves against (no runtime call per request).
/// Lookups are lock-free; each function's state changes under its own <see cref="FunctionHandle"/> lock only.
/// </summary>
internal sealed class FunctionRegistry
{
    private readonly ConcurrentDictionary<FunctionKey, FunctionHandle> _handles = new();
    private readonly IFunctionLifecycle _lifecycle;
    private readonly TimeProvider _time;
    private readonly ILogger<FunctionHandle> _handleLogger;

    public FunctionRegistry(IFunctionLifecycle lifecycle, ScaleToZeroOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _lifecycle = lifecycle;
        Options = options;
        _time = timeProvider;
        _handleLogger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FunctionHandle>();
    }

    public ScaleToZeroOptions Options { get; }

    /// <summary>Turned on by a running autoscaler; shared by every handle (it decides when their frozen replicas thaw).</summary>
    public AutoscalerSwitch Autoscaler { get; } = new();

    /// <summary>A replica of some function was taken out of rotation and needs replacing (see <see cref="FunctionHandle.ReportReplicaFailed"/>).</summary>
    public event Action<FunctionHandle, Replica, string>? ReplicaFailed;

    /// <summary>Registers a function with all its replicas (deploy, recovery). False when the key is already registered.</summary>
    public bool TryAddReplicas(FunctionKey key, LifecycleState state, IReadOnlyList<ReplicaSeed> replicas, ScaleToZeroSettings settings, out FunctionHandle handle)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        return TryRegister(key, CreateWithReplicas(key, state, replicas, settings), out handle);
    }

    /// <summary>Points an existing function at a new set of replicas (update of a sleeping function); registers it when absent.</summary>
    public FunctionHandle ReplaceReplicas(FunctionKey key, LifecycleState state, IReadOnlyList<ReplicaSeed> replicas, ScaleToZeroSettings settings)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        return ResetOrRegister(key, existing => existing.TryReset(state, replicas, settings), () => CreateWithReplicas(key, state, replicas, settings));
    }

    /// <summary>A moment's view of the registered functions.</summary>
    public IEnumerable<FunctionHandle> Handles => _handles.Select(pair => pair.Value);

    public int Count => _handles.Count;

    /// <summary>
    /// Registers a function in <paramref name="state"/>: Running or Paused with its destination, or Stopped (no task).
    /// Recovery adopts a frozen task as Paused without thawing it. False when the key is already registered.
    /// </summary>
    public bool TryAdd(FunctionKey key, LifecycleState state, string? destination, ScaleToZeroSettings settings, out FunctionHandle handle) =>
        TryRegister(key, Create(key, state, destination, settings), out handle);

    /// <summary>Like <see cref="TryAdd"/>; a function already registered is a bug in the caller and throws.</summary>
    public FunctionHandle Add(FunctionKey key, LifecycleState state, string? destination, ScaleToZeroSettings settings) =>
        TryAdd(key, state, destination, settings, out var handle)
            ? handle
            : throw new InvalidOperationException($"{key} is already registered");

    /// <summary>
    /// Points the function at its new task (update), or registers it when absent: the state, destination and
    /// settings are swapped in place, in-flight counting carries on, a transition in progress is abandoned (its
    /// runtime call cancelled, its late result ignored) and requests waiting on it re-read the new state.
    /// </summary>
    public FunctionHandle Replace(FunctionKey key, LifecycleState state, string? destination, ScaleToZeroSettings settings) =>
        ResetOrRegister(key, existing => existing.TryReset(state, destination, settings), () => Create(key, state, destination, settings));

    private FunctionHandle CreateWithReplicas(FunctionKey key, LifecycleState state, IReadOnlyList<ReplicaSeed> replicas, ScaleToZeroSettings settings)
    {
        var created = Create(key, LifecycleState.Stopped, null, settings);
        created.TryReset(state, replicas, settings);
        return created;
    }

    /// <summary>Adds <paramref name="created"/> unless the key is registered already (then <paramref name="handle"/> is that one).</summary>
    private bool TryRegister(FunctionKey key, FunctionHandle created, out FunctionHandle handle)
    {
        while (true)
        {
            if (_handles.TryAdd(key, created))
            {
                handle = created;
                return true;
            }

            if (_handles.TryGetValue(key, out handle!))
            {
                return false;
            }
        }
    }

    /// <summary>Resets the registered handle in place, or registers a new one when there is none (or it was removed meanwhile).</summary>
    private FunctionHandle ResetOrRegister(FunctionKey key, Func<FunctionHandle, bool> tryReset, Func<FunctionHandle> create)
    {
        while (true)
        {
            if (_handles.TryGetValue(key, out var existing))
            {
                if (tryReset(existing))
                {
                    return existing;
                }

                // Removed but not yet out of the map: help the remover, then add a fresh one.
                _handles.TryRemove(new KeyValuePair<FunctionKey, FunctionHandle>(key, existing));
                continue;
            }

            var created = create();
            if (_handles.TryAdd(key, created))
            {
                return created;
            }
        }
    }

    public bool TryGet(FunctionKey key, out FunctionHandle handle) => _handles.TryGetValue(key, out handle!);

    /// <summary>
    /// Unregisters the function: new and waiting requests get NotFound and a runtime call in progress is cancelled.
    /// Completes once that call has returned, so the caller can then delete the task and container safely.
    /// False when the function was not registered.
    /// </summary>
    public async Task<bool> RemoveAsync(FunctionKey key)
    {
        if (!_handles.TryGetValue(key, out var handle))
        {
            return false;
        }

        var quiesced = handle.MarkRemovedAsync();
        _handles.TryRemove(new KeyValuePair<FunctionKey, FunctionHandle>(key, handle));
        await quiesced;
        return true;
    }

    /// <summary>The hot path behind <see cref="IFunctionPlatform.AcquireEndpointAsync"/>; see <see cref="FunctionHandle.AcquireAsync"/>.</summary>
    public ValueTask<EndpointLease> AcquireEndpointAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _handles.TryGetValue(new FunctionKey(@namespace, name), out var handle)
            ? handle.AcquireAsync(cancellationToken)
            : new ValueTask<EndpointLease>(EndpointLease.Failed(EndpointStatus.NotFound, $"{new FunctionKey(@namespace, name)} not found"));

    /// <summary>State and replicas for list/describe; null when the function is not registered.</summary>
    public FunctionScaleStatus? GetStatus(FunctionKey key) => _handles.TryGetValue(key, out var handle) ? handle.Status : null;

    /// <summary>Scale to 0: see <see cref="FunctionHandle.ScaleToZeroAsync"/>. Throws NotFound, Timeout, Unavailable.</summary>
    public Task ScaleToZeroAsync(FunctionKey key, CancellationToken cancellationToken) =>
        Get(key).ScaleToZeroAsync(cancellationToken);

    /// <summary>Scale to 1: resumes or starts the function and returns once it serves. Throws NotFound, Timeout, Unavailable.</summary>
    public Task ScaleUpAsync(FunctionKey key, CancellationToken cancellationToken) =>
        Get(key).ScaleUpAsync(cancellationToken);

    private FunctionHandle Get(FunctionKey key) =>
        _handles.TryGetValue(key, out var handle)
            ? handle
            : throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"{key} not found");

    private FunctionHandle Create(FunctionKey key, LifecycleState state, string? destination, ScaleToZeroSettings settings)
    {
        var handle = new FunctionHandle(key, state, destination, settings, _lifecycle, Options, _time, _handleLogger) { Autoscaler = Autoscaler };
        handle.ReplicaFailed += (h, replica, reason) => ReplicaFailed?.Invoke(h, replica, reason);
        return handle;
    }
}
