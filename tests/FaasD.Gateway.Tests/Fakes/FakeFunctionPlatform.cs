using System.Collections.Concurrent;
using FaasD.Functions.Abstractions;

namespace FaasD.Gateway.Tests.Fakes;

/// <summary>An in-memory platform: functions in a dictionary, endpoints chosen per test, leases counted.</summary>
internal sealed class FakeFunctionPlatform : IFunctionPlatform, IInflightTracker
{
    private readonly ConcurrentDictionary<(string Ns, string Name), FunctionInfo> _functions = new();
    private int _inflight;
    private int _released;

    /// <summary>Where Ready functions are served (the echo upstream); null means every function answers NotFound.</summary>
    public string? DestinationPrefix { get; set; }

    /// <summary>Overrides the lease of AcquireEndpointAsync for functions that exist.</summary>
    public Func<string, string, EndpointLease>? LeaseOverride { get; set; }

    public List<FunctionSpec> Deployed { get; } = [];

    public List<FunctionSpec> Updated { get; } = [];

    public List<(string Ns, string Name, int Replicas)> Scaled { get; } = [];

    public FunctionPlatformException? ThrowOnDeploy { get; set; }

    public int Inflight => Volatile.Read(ref _inflight);

    public int Released => Volatile.Read(ref _released);

    public void Add(FunctionInfo info) => _functions[(info.Spec.Namespace, info.Spec.Name)] = info;

    public void Add(string name, string ns = "openfaas-fn", int replicas = 1, int available = 1) => Add(new FunctionInfo
    {
        Spec = new FunctionSpec { Name = name, Namespace = ns, Image = "ghcr.io/openfaas/alpine:latest" },
        Replicas = replicas,
        AvailableReplicas = available,
        CreatedAt = new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero),
        State = FunctionState.Running,
    });

    public void Reset()
    {
        _functions.Clear();
        Deployed.Clear();
        Updated.Clear();
        Scaled.Clear();
        LeaseOverride = null;
        ThrowOnDeploy = null;
        _inflight = 0;
        _released = 0;
    }

    public Task<IReadOnlyList<FunctionInfo>> ListAsync(string @namespace, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<FunctionInfo>>(_functions.Values.Where(f => f.Spec.Namespace == @namespace).OrderBy(f => f.Spec.Name).ToList());

    public Task<FunctionInfo?> GetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(_functions.TryGetValue((@namespace, name), out var info) ? info : null);

    public Task DeployAsync(FunctionSpec spec, CancellationToken cancellationToken)
    {
        if (ThrowOnDeploy is { } ex)
        {
            throw ex;
        }

        if (_functions.ContainsKey((spec.Namespace, spec.Name)))
        {
            throw new FunctionPlatformException(FunctionErrorKind.AlreadyExists, $"function {spec.Name} already exists");
        }

        Deployed.Add(spec);
        Add(new FunctionInfo { Spec = spec, Replicas = 1, AvailableReplicas = 1, CreatedAt = DateTimeOffset.UtcNow });
        return Task.CompletedTask;
    }

    public Task UpdateAsync(FunctionSpec spec, CancellationToken cancellationToken)
    {
        if (!_functions.ContainsKey((spec.Namespace, spec.Name)))
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function {spec.Name} not found");
        }

        Updated.Add(spec);
        Add(new FunctionInfo { Spec = spec, Replicas = 1, AvailableReplicas = 1, CreatedAt = DateTimeOffset.UtcNow });
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _functions.TryRemove((@namespace, name), out _)
            ? Task.CompletedTask
            : throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function {name} not found");

    public Task ScaleAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken)
    {
        if (!_functions.ContainsKey((@namespace, name)))
        {
            throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function {name} not found");
        }

        Scaled.Add((@namespace, name, replicas));
        return Task.CompletedTask;
    }

    public ValueTask<EndpointLease> AcquireEndpointAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (!_functions.ContainsKey((@namespace, name)))
        {
            return ValueTask.FromResult(EndpointLease.Failed(EndpointStatus.NotFound, "no such function"));
        }

        if (LeaseOverride is { } lease)
        {
            return ValueTask.FromResult(lease(@namespace, name));
        }

        Interlocked.Increment(ref _inflight);
        return ValueTask.FromResult(new EndpointLease(EndpointStatus.Ready, DestinationPrefix, this));
    }

    public void RequestEnded()
    {
        Interlocked.Decrement(ref _inflight);
        Interlocked.Increment(ref _released);
    }
}
