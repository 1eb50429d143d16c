using System.Collections.Concurrent;
using FaasD.Runtime;

namespace FaasD.Compose.Tests.Integration;

/// <summary>The real runtime, with a log of when each task start began and returned (to check dependency order).</summary>
internal sealed class RecordingRuntime(IContainerRuntime inner) : IContainerRuntime
{
    public ConcurrentQueue<string> Events { get; } = new();

    public async Task<TaskInfo> StartTaskAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        Events.Enqueue($"starting {id}");
        var task = await inner.StartTaskAsync(@namespace, id, cancellationToken);
        Events.Enqueue($"running {id}");
        return task;
    }

    public Task EnsureImageAsync(string @namespace, string image, CancellationToken cancellationToken) => inner.EnsureImageAsync(@namespace, image, cancellationToken);
    public Task EnsureNamespaceAsync(string @namespace, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) => inner.EnsureNamespaceAsync(@namespace, labels, cancellationToken);
    public Task CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken) => inner.CreateContainerAsync(spec, cancellationToken);
    public Task<IReadOnlyList<ContainerRecord>> ListContainersAsync(string @namespace, CancellationToken cancellationToken) => inner.ListContainersAsync(@namespace, cancellationToken);
    public Task<ContainerRecord?> GetContainerAsync(string @namespace, string id, CancellationToken cancellationToken) => inner.GetContainerAsync(@namespace, id, cancellationToken);
    public Task<TaskInfo> GetTaskAsync(string @namespace, string id, CancellationToken cancellationToken) => inner.GetTaskAsync(@namespace, id, cancellationToken);
    public Task PauseAsync(string @namespace, string id, CancellationToken cancellationToken) => inner.PauseAsync(@namespace, id, cancellationToken);
    public Task ResumeAsync(string @namespace, string id, CancellationToken cancellationToken) => inner.ResumeAsync(@namespace, id, cancellationToken);
    public Task StopTaskAsync(string @namespace, string id, TimeSpan gracePeriod, CancellationToken cancellationToken) => inner.StopTaskAsync(@namespace, id, gracePeriod, cancellationToken);
    public Task DeleteContainerAsync(string @namespace, string id, CancellationToken cancellationToken) => inner.DeleteContainerAsync(@namespace, id, cancellationToken);

    public Task SetContainerLabelsAsync(string @namespace, string id, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) => inner.SetContainerLabelsAsync(@namespace, id, labels, cancellationToken);
    public Task<IReadOnlyList<string>> ReleaseOrphanedNetworksAsync(string @namespace, IEnumerable<string> knownContainers, TimeSpan olderThan, CancellationToken cancellationToken) => inner.ReleaseOrphanedNetworksAsync(@namespace, knownContainers, olderThan, cancellationToken);
    public Task<string> GetVersionAsync(CancellationToken cancellationToken) => inner.GetVersionAsync(cancellationToken);
    public Task<IReadOnlyList<NamespaceRecord>> ListNamespacesAsync(CancellationToken cancellationToken) => inner.ListNamespacesAsync(cancellationToken);
    public Task ReplaceNamespaceLabelsAsync(string @namespace, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) => inner.ReplaceNamespaceLabelsAsync(@namespace, labels, cancellationToken);
    public Task DeleteNamespaceAsync(string @namespace, CancellationToken cancellationToken) => inner.DeleteNamespaceAsync(@namespace, cancellationToken);
    public string LogPathFor(string @namespace, string id) => inner.LogPathFor(@namespace, id);
    public IAsyncEnumerable<TaskExit> WatchExitsAsync(CancellationToken cancellationToken) => inner.WatchExitsAsync(cancellationToken);
}
