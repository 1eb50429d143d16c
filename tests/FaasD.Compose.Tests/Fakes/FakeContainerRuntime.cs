using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FaasD.Runtime;

namespace FaasD.Compose.Tests.Fakes;

/// <summary>An in-memory containerd for unit tests: containers, task states, a call log and an exit stream the test feeds.</summary>
internal sealed class FakeContainerRuntime : IContainerRuntime
{
    private readonly ConcurrentDictionary<(string Ns, string Id), ContainerRecord> _containers = new();
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Ns, string Id), TaskInfo> _tasks = new();
    private readonly Channel<TaskExit> _exits = Channel.CreateUnbounded<TaskExit>();
    private int _nextAddress = 2;

    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>Task starts whose id is listed throw Internal (a broken image, a missing binary ...).</summary>
    public ConcurrentDictionary<string, bool> FailingStarts { get; } = new();

    public IReadOnlyList<string> CallsOf(string verb) => [.. Calls.Where(c => c.StartsWith(verb + " ", StringComparison.Ordinal)).Select(c => c[(verb.Length + 1)..])];

    public TaskState StateOf(string ns, string id) => _tasks.TryGetValue((ns, id), out var task) ? task.State : TaskState.None;

    public IPAddress? AddressOf(string ns, string id) =>
        _tasks.TryGetValue((ns, id), out var task) && task.State == TaskState.Running ? task.Address : null;

    public ContainerRecord? Container(string ns, string id) => _containers.GetValueOrDefault((ns, id));

    /// <summary>Ends a task as if its process died, and publishes the exit event.</summary>
    public void Exit(string ns, string id, uint code, DateTimeOffset at)
    {
        _tasks[(ns, id)] = _tasks[(ns, id)] with { State = TaskState.Stopped };
        _exits.Writer.TryWrite(new TaskExit(ns, id, code, at));
    }

    public void SetTask(string ns, string id, TaskState state) => _tasks[(ns, id)] = new TaskInfo(state, 1, NextAddress());

    public Task EnsureImageAsync(string @namespace, string image, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"pull {image}");
        return Task.CompletedTask;
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
        var record = new ContainerRecord(spec.Namespace, spec.Id, spec.Image, spec.Labels, spec.Payload, DateTimeOffset.UnixEpoch);
        return _containers.TryAdd((spec.Namespace, spec.Id), record)
            ? Task.CompletedTask
            : throw new RuntimeException(RuntimeErrorKind.AlreadyExists, $"container {spec.Id} already exists");
    }

    public Task<IReadOnlyList<ContainerRecord>> ListContainersAsync(string @namespace, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ContainerRecord>>([.. _containers.Values.Where(c => c.Namespace == @namespace)]);

    public Task<ContainerRecord?> GetContainerAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_containers.GetValueOrDefault((@namespace, id)));

    public Task<TaskInfo> StartTaskAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"start {id}");
        if (!_containers.ContainsKey((@namespace, id)))
        {
            throw new RuntimeException(RuntimeErrorKind.NotFound, $"container {id} not found");
        }

        if (FailingStarts.ContainsKey(id))
        {
            throw new RuntimeException(RuntimeErrorKind.Internal, $"{id}: exec format error");
        }

        if (_tasks.TryGetValue((@namespace, id), out var existing) && existing.State != TaskState.None)
        {
            throw new RuntimeException(RuntimeErrorKind.AlreadyExists, $"task {id} already exists");
        }

        var task = new TaskInfo(TaskState.Running, 100, NextAddress());
        _tasks[(@namespace, id)] = task;
        return Task.FromResult(task);
    }

    public Task<TaskInfo> GetTaskAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_tasks.TryGetValue((@namespace, id), out var task) ? task : new TaskInfo(TaskState.None, 0, null));

    public Task PauseAsync(string @namespace, string id, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ResumeAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"resume {id}");
        _tasks[(@namespace, id)] = _tasks[(@namespace, id)] with { State = TaskState.Running };
        return Task.CompletedTask;
    }

    public Task StopTaskAsync(string @namespace, string id, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"stop {id}");
        _tasks.TryRemove((@namespace, id), out _);
        return Task.CompletedTask;
    }

    public Task SetContainerLabelsAsync(string @namespace, string id, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
        throw new NotSupportedException("compose never relabels a container");

    public Task<IReadOnlyList<string>> ReleaseOrphanedNetworksAsync(string @namespace, IEnumerable<string> knownContainers, TimeSpan olderThan, CancellationToken cancellationToken) =>
        throw new NotSupportedException("compose never sweeps networks");

    public Task DeleteContainerAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"delete {id}");
        _tasks.TryRemove((@namespace, id), out _);
        _containers.TryRemove((@namespace, id), out _);
        return Task.CompletedTask;
    }

    public string LogPathFor(string @namespace, string id) => $"/nonexistent/{@namespace}/{id}.log";

    public async IAsyncEnumerable<TaskExit> WatchExitsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var exit in _exits.Reader.ReadAllAsync(cancellationToken))
        {
            yield return exit;
        }
    }

    private IPAddress NextAddress() => IPAddress.Parse($"10.62.0.{Interlocked.Increment(ref _nextAddress)}");
}
