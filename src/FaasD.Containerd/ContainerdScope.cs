using FaasD.Containerd.Content;
using FaasD.Containerd.Events;
using FaasD.Containerd.Interception;
using FaasD.Containerd.Leases;
using Grpc.Core.Interceptors;
using ContainersApi = FaasD.Containerd.Api.Containers;
using ContentApi = FaasD.Containerd.Api.Content;
using DiffApi = FaasD.Containerd.Api.Diff;
using EventsApi = FaasD.Containerd.Api.Events;
using ImagesApi = FaasD.Containerd.Api.Images;
using IntrospectionApi = FaasD.Containerd.Api.Introspection;
using LeasesApi = FaasD.Containerd.Api.Leases;
using NamespacesApi = FaasD.Containerd.Api.Namespaces;
using SnapshotsApi = FaasD.Containerd.Api.Snapshots;
using TasksApi = FaasD.Containerd.Api.Tasks;
using VersionApi = FaasD.Containerd.Api.Version;

namespace FaasD.Containerd;

/// <summary>
/// containerd's typed service clients, every call carrying this scope's namespace (and lease) and failing only
/// with <see cref="Errors.ContainerdException"/>. Cheap to create; holds no connection of its own.
/// </summary>
public sealed class ContainerdScope
{
    private readonly CallInvoker _transport;
    private readonly ContainerdScopeDependencies _dependencies;

    internal ContainerdScope(CallInvoker transport, string? @namespace, string? leaseId, ContainerdScopeDependencies dependencies)
    {
        _transport = transport;
        _dependencies = dependencies;
        Namespace = @namespace;
        LeaseId = leaseId;
        CallInvoker = transport.Intercept(new ContainerdCallInterceptor(@namespace, leaseId));

        Containers = new ContainersApi.Containers.ContainersClient(CallInvoker);
        Tasks = new TasksApi.Tasks.TasksClient(CallInvoker);
        Images = new ImagesApi.Images.ImagesClient(CallInvoker);
        Content = new ContentApi.Content.ContentClient(CallInvoker);
        Snapshots = new SnapshotsApi.Snapshots.SnapshotsClient(CallInvoker);
        Diff = new DiffApi.Diff.DiffClient(CallInvoker);
        Leases = new LeasesApi.Leases.LeasesClient(CallInvoker);
        Events = new EventsApi.Events.EventsClient(CallInvoker);
        Namespaces = new NamespacesApi.Namespaces.NamespacesClient(CallInvoker);
        Version = new VersionApi.Version.VersionClient(CallInvoker);
        Introspection = new IntrospectionApi.Introspection.IntrospectionClient(CallInvoker);
        ContentStore = new ContentStore(Content, @namespace, dependencies);
    }

    /// <summary>The containerd namespace, or null for <see cref="ContainerdClient.Global"/>.</summary>
    public string? Namespace { get; }

    /// <summary>The lease new content, snapshots and images are held by, or null.</summary>
    public string? LeaseId { get; }

    /// <summary>The scoped, translating invoker the clients below are built on (for services we have no property for).</summary>
    public CallInvoker CallInvoker { get; }

    public ContainersApi.Containers.ContainersClient Containers { get; }

    public TasksApi.Tasks.TasksClient Tasks { get; }

    public ImagesApi.Images.ImagesClient Images { get; }

    public ContentApi.Content.ContentClient Content { get; }

    public SnapshotsApi.Snapshots.SnapshotsClient Snapshots { get; }

    public DiffApi.Diff.DiffClient Diff { get; }

    public LeasesApi.Leases.LeasesClient Leases { get; }

    public EventsApi.Events.EventsClient Events { get; }

    public NamespacesApi.Namespaces.NamespacesClient Namespaces { get; }

    public VersionApi.Version.VersionClient Version { get; }

    public IntrospectionApi.Introspection.IntrospectionClient Introspection { get; }

    /// <summary>Content helpers with logic: existence check, resumable write session, read back.</summary>
    public ContentStore ContentStore { get; }

    /// <summary>
    /// containerd's events matching <paramref name="filters"/> (e.g. <c>topic=="/tasks/exit"</c>), resubscribing
    /// whenever containerd restarts, until <paramref name="cancellationToken"/> fires. Events published while
    /// disconnected are lost: <paramref name="resubscribed"/> runs after each resubscription so the caller can
    /// re-read the state it follows. containerd does not scope subscriptions: events of every namespace arrive
    /// unless a filter such as <c>namespace=="openfaas-fn"</c> narrows them.
    /// </summary>
    public IAsyncEnumerable<EventsApi.Envelope> WatchEventsAsync(
        IReadOnlyList<string> filters,
        Func<CancellationToken, Task>? resubscribed,
        CancellationToken cancellationToken) =>
        new EventWatch(Events, _dependencies).WatchAsync(filters, resubscribed, cancellationToken);

    /// <summary>The same namespace with every call made under <paramref name="leaseId"/>.</summary>
    public ContainerdScope WithLease(string leaseId)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseId);
        return new ContainerdScope(_transport, Namespace, leaseId, _dependencies);
    }

    /// <summary>
    /// Creates a lease that containerd's garbage collector drops on its own after <paramref name="expiresAfter"/>
    /// (so a crash never leaks it) and that is deleted when the returned lease is disposed.
    /// </summary>
    public Task<ContainerdLease> CreateLeaseAsync(TimeSpan expiresAfter, CancellationToken cancellationToken) =>
        ContainerdLease.CreateAsync(this, expiresAfter, _dependencies, cancellationToken);
}
