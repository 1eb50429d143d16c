using FaasD.Containerd.Transport;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaasD.Containerd;

/// <summary>
/// One connection to containerd shared by the whole daemon. Hand out <see cref="ContainerdScope"/>s per namespace;
/// they are cheap views over the same channel.
/// </summary>
/// <example>
/// <code>
/// using var client = new ContainerdClient(new ContainerdClientOptions());
/// var fn = client.Namespace("openfaas-fn");
/// var container = await fn.Containers.GetAsync(new() { Id = "figlet" }, cancellationToken: ct);
/// </code>
/// </example>
public sealed class ContainerdClient : IDisposable
{
    private readonly GrpcChannel? _channel;
    private readonly CallInvoker _transport;
    private readonly ContainerdScopeDependencies _dependencies;

    public ContainerdClient(ContainerdClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _channel = UnixSocketChannel.Create(options);
        _transport = _channel.CreateCallInvoker();
        _dependencies = new ContainerdScopeDependencies(loggerFactory ?? NullLoggerFactory.Instance, timeProvider ?? TimeProvider.System);
        Global = new ContainerdScope(_transport, @namespace: null, leaseId: null, _dependencies);
    }

    /// <summary>Over any transport (an in-memory fake in tests); the caller owns the transport.</summary>
    internal ContainerdClient(CallInvoker transport, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _transport = transport;
        _dependencies = new ContainerdScopeDependencies(loggerFactory ?? NullLoggerFactory.Instance, timeProvider ?? TimeProvider.System);
        Global = new ContainerdScope(_transport, @namespace: null, leaseId: null, _dependencies);
    }

    /// <summary>
    /// Calls without a namespace: Version, Introspection, Namespaces.List/Get, and Events.Subscribe across all namespaces.
    /// Namespaced services called from here fail with FailedPrecondition. Create, update and delete a namespace from
    /// its own scope (<c>client.Namespace(name).Namespaces</c>): containerd publishes their events under the caller's
    /// namespace and fails the call without one.
    /// </summary>
    public ContainerdScope Global { get; }

    /// <summary>The services scoped to one containerd namespace. containerd creates the namespace on first use.</summary>
    public ContainerdScope Namespace(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new ContainerdScope(_transport, name, leaseId: null, _dependencies);
    }

    public void Dispose() => _channel?.Dispose();
}
