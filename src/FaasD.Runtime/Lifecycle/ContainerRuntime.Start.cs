using System.Diagnostics;

namespace FaasD.Runtime.Lifecycle;

internal sealed partial class ContainerRuntime
{
    public Task<TaskInfo> StartTaskAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        RuntimeErrors.TranslateAsync(() => StartTaskCoreAsync(@namespace, id, cancellationToken));

    private async Task<TaskInfo> StartTaskCoreAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        ContainerNames.Validate(@namespace, id);
        var began = Stopwatch.GetTimestamp();
        long creating = 0, created = 0;
        var scope = ScopeOf(@namespace);
        var container = await FindContainerAsync(scope, id, cancellationToken)
            ?? throw new RuntimeException(RuntimeErrorKind.NotFound, $"container {@namespace}/{id} does not exist");

        // runc joins the network namespace at task create, so the namespace is made first (≈1 ms); CNI ADD then
        // runs while we look at the task, fetch the rootfs mounts and create the task. Start waits for both,
        // so the function never runs without its address.
        var networkId = ContainerNames.NetworkId(@namespace, id);
        await _network.PrepareAsync(networkId, cancellationToken);
        var attaching = _network.AttachAsync(networkId, cancellationToken);
        NetworkAttachment attachment;
        try
        {
            var (existing, create) = await InspectTaskAsync(scope, container, cancellationToken);
            if (existing is { Status: not TypesApi.Status.Created })
            {
                attachment = await attaching;
                return new TaskInfo(await LiveStateAsync(@namespace, id, existing.Status, cancellationToken), existing.Pid, attachment.Address);
            }

            // A fresh task, or one created before a crash cut its start short.
            if (create is not null)
            {
                creating = Stopwatch.GetTimestamp();
                await scope.Tasks.CreateAsync(create, cancellationToken: cancellationToken);
                created = Stopwatch.GetTimestamp();
            }
        }
        finally
        {
            // Never leave the attach running, or its failure unobserved, whatever happened to the task.
            await Task.WhenAny(attaching);
            _ = attaching.Exception;
        }

        attachment = await attaching;
        var starting = Stopwatch.GetTimestamp();
        var pid = (await scope.Tasks.StartAsync(new TasksApi.StartRequest { ContainerId = id }, cancellationToken: cancellationToken)).Pid;

        // containerd's create (shim + runc create) and start dominate a cold start; the rest is our lookups and the network.
        Log.TaskStarted(_logger, @namespace, id, pid, attachment.Address);
        Log.TaskStartTimings(_logger, @namespace, id,
            Stopwatch.GetElapsedTime(began, creating == 0 ? starting : creating).TotalMilliseconds,
            creating == 0 ? 0 : Stopwatch.GetElapsedTime(creating, created).TotalMilliseconds,
            Stopwatch.GetElapsedTime(starting).TotalMilliseconds);
        return new TaskInfo(TaskState.Running, pid, attachment.Address);
    }

    /// <summary>The live task if there is one; otherwise the request that creates it (a dead task is deleted first).</summary>
    private async Task<(TypesApi.Process? Existing, TasksApi.CreateTaskRequest? Create)> InspectTaskAsync(
        ContainerdScope scope,
        ContainersApi.Container container,
        CancellationToken cancellationToken)
    {
        var task = await FindTaskAsync(scope, container.Id, cancellationToken);
        if (task is { Status: TypesApi.Status.Stopped or TypesApi.Status.Unknown })
        {
            // A dead task (crashed, killed) blocks a new one with the same id.
            await DeleteTaskAsync(scope, container.Id, cancellationToken);
            task = null;
        }

        return task is null ? (null, await TaskCreateRequestAsync(scope, container, cancellationToken)) : (task, null);
    }

    private async Task<TasksApi.CreateTaskRequest> TaskCreateRequestAsync(ContainerdScope scope, ContainersApi.Container container, CancellationToken cancellationToken)
    {
        var mounts = await scope.Snapshots.MountsAsync(
            new SnapshotsApi.MountsRequest { Snapshotter = container.Snapshotter, Key = container.SnapshotKey },
            cancellationToken: cancellationToken);

        // The shim would create the directory world-readable; function output may carry secrets.
        _logs.EnsureDirectory(scope.Namespace!);
        var log = _logs.UriFor(scope.Namespace!, container.Id);
        return new TasksApi.CreateTaskRequest
        {
            ContainerId = container.Id,
            Rootfs = { mounts.Mounts },
            Stdout = log,
            Stderr = log,
        };
    }
}
