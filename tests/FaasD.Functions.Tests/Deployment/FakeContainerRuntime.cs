using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using FaasD.Runtime;

namespace FaasD.Functions.Tests.Deployment;

/// <summary>An in-memory containerd: containers, tasks and a call log, for the platform's unit tests.</summary>
internal sealed class FakeContainerRuntime : IContainerRuntime
{
    private readonly ConcurrentDictionary<(string, string), ContainerRecord> _containers = new();
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), TaskState> _tasks = new();
    private readonly string _logDir;

    public FakeContainerRuntime(string logDir) => _logDir = logDir;

    public ConcurrentQueue<string> Calls { get; } = new();

    public HashSet<string> MissingImages { get; } = [];

    /// <summary>Address every task gets; the tests listen on it so readiness probes succeed.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    public Func<string, Exception?> FailStart { get; set; } = _ => null;

    public IReadOnlyCollection<string> ContainerIds => _containers.Keys.Select(k => k.Item2).Order().ToList();

    public TaskState TaskOf(string ns, string id) => _tasks.GetValueOrDefault((ns, id), TaskState.None);

    public void SetTask(string ns, string id, TaskState state) => _tasks[(ns, id)] = state;

    public Task EnsureImageAsync(string @namespace, string image, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"pull {image}");
        return MissingImages.Contains(image)
            ? throw new RuntimeException(RuntimeErrorKind.NotFound, $"{image}: not found")
            : Task.CompletedTask;
    }

    public Task EnsureNamespaceAsync(string @namespace, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var current = _namespaces.GetOrAdd(@namespace, _ => new Dictionary<string, string>());
        lock (current)
        {
            foreach (var (key, value) in labels)
            {
                current[key] = value;
            }
        }

        return Task.CompletedTask;
    }

    public Task<string> GetVersionAsync(CancellationToken cancellationToken) => Task.FromResult("fake");

    public Task<IReadOnlyList<NamespaceRecord>> ListNamespacesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NamespaceRecord>>([.. _namespaces.Select(n => new NamespaceRecord(n.Key, n.Value))]);

    public Task ReplaceNamespaceLabelsAsync(string @namespace, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
        _namespaces.ContainsKey(@namespace)
            ? Task.FromResult(_namespaces[@namespace] = labels.ToDictionary())
            : throw new RuntimeException(RuntimeErrorKind.NotFound, $"namespace {@namespace} not found");

    public Task DeleteNamespaceAsync(string @namespace, CancellationToken cancellationToken) =>
        _containers.Keys.Any(k => k.Item1 == @namespace)
            ? throw new RuntimeException(RuntimeErrorKind.FailedPrecondition, $"namespace {@namespace} must be empty")
            : Task.FromResult(_namespaces.TryRemove(@namespace, out _));

    public Task CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"create {spec.Id}");
        var record = new ContainerRecord(spec.Namespace, spec.Id, spec.Image, spec.Labels, spec.Payload.ToArray(), DateTimeOffset.UtcNow);
        return _containers.TryAdd((spec.Namespace, spec.Id), record)
            ? Task.CompletedTask
            : throw new RuntimeException(RuntimeErrorKind.AlreadyExists, $"container {spec.Id} already exists");
    }

    public Task<IReadOnlyList<ContainerRecord>> ListContainersAsync(string @namespace, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ContainerRecord>>(_containers.Values.Where(c => c.Namespace == @namespace).ToList());

    public Task<ContainerRecord?> GetContainerAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_containers.GetValueOrDefault((@namespace, id)));

    public Task<TaskInfo> StartTaskAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"start {id}");
        if (!_containers.ContainsKey((@namespace, id)))
        {
            throw new RuntimeException(RuntimeErrorKind.NotFound, $"container {id} not found");
        }

        if (FailStart(id) is { } failure)
        {
            throw failure;
        }

        _tasks[(@namespace, id)] = TaskState.Running;
        return Task.FromResult(new TaskInfo(TaskState.Running, 42, Address));
    }

    public Task<TaskInfo> GetTaskAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        var state = TaskOf(@namespace, id);
        return Task.FromResult(new TaskInfo(state, state == TaskState.None ? 0u : 42u, state is TaskState.Running or TaskState.Paused ? Address : null));
    }

    public Task PauseAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"pause {id}");
        _tasks[(@namespace, id)] = TaskState.Paused;
        return Task.CompletedTask;
    }

    public Task ResumeAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"resume {id}");
        _tasks[(@namespace, id)] = TaskState.Running;
        return Task.CompletedTask;
    }

    public Task StopTaskAsync(string @namespace, string id, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"stop {id}");
        if (FailStop(id) is { } failure)
        {
            throw failure;
        }

        _tasks.TryRemove((@namespace, id), out _);
        return Task.CompletedTask;
    }

    public Func<string, Exception?> FailStop { get; set; } = _ => null;

    /// <summary>Attachments "left behind" per namespace: released (and forgotten) by the first sweep of that namespace.</summary>
    public ConcurrentDictionary<string, List<string>> OrphanedNetworks { get; } = new(StringComparer.Ordinal);

    /// <summary>Namespaces swept, in order, with the containers the caller named as known and the minimum age asked for.</summary>
    public ConcurrentQueue<(string Namespace, IReadOnlyList<string> Known, TimeSpan OlderThan)> NetworkSweeps { get; } = new();

    public Task<IReadOnlyList<string>> ReleaseOrphanedNetworksAsync(string @namespace, IEnumerable<string> knownContainers, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        NetworkSweeps.Enqueue((@namespace, [.. knownContainers], olderThan));
        IReadOnlyList<string> released = OrphanedNetworks.TryRemove(@namespace, out var ids) ? ids : [];
        return Task.FromResult(released);
    }

    public Task SetContainerLabelsAsync(string @namespace, string id, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"label {id} {string.Join(',', labels.Select(l => $"{l.Key}={l.Value}"))}");
        if (!_containers.TryGetValue((@namespace, id), out var record))
        {
            throw new RuntimeException(RuntimeErrorKind.NotFound, $"container {id} not found");
        }

        var merged = new Dictionary<string, string>(record.Labels);
        foreach (var (key, value) in labels)
        {
            merged[key] = value;
        }

        _containers[(@namespace, id)] = record with { Labels = merged };
        return Task.CompletedTask;
    }

    public Task DeleteContainerAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"delete {id}");
        _tasks.TryRemove((@namespace, id), out _);
        _containers.TryRemove((@namespace, id), out _);
        return Task.CompletedTask;
    }

    public string LogPathFor(string @namespace, string id) => Path.Combine(_logDir, @namespace, id + ".log");

    public async IAsyncEnumerable<TaskExit> WatchExitsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
