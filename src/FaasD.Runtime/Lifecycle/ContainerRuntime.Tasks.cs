namespace FaasD.Runtime.Lifecycle;

internal sealed partial class ContainerRuntime
{
    public Task<TaskInfo> GetTaskAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        RuntimeErrors.TranslateAsync(async () =>
        {
            ContainerNames.Validate(@namespace, id);
            var task = await FindTaskAsync(ScopeOf(@namespace), id, cancellationToken);
            if (task is null)
            {
                return new TaskInfo(TaskState.None, 0, null);
            }

            var state = await LiveStateAsync(@namespace, id, task.Status, cancellationToken);
            var attachment = await _network.GetAsync(ContainerNames.NetworkId(@namespace, id), cancellationToken);
            return new TaskInfo(state, task.Pid, attachment?.Address);
        });

    private static async Task DeleteTaskAsync(ContainerdScope scope, string id, CancellationToken cancellationToken)
    {
        try
        {
            await scope.Tasks.DeleteAsync(new TasksApi.DeleteTaskRequest { ContainerId = id }, cancellationToken: cancellationToken);
        }
        catch (ContainerdException exception) when (exception.IsNotFound())
        {
            // Already deleted.
        }
    }

    private static async Task<TypesApi.Process?> FindTaskAsync(ContainerdScope scope, string id, CancellationToken cancellationToken)
    {
        try
        {
            return (await scope.Tasks.GetAsync(new TasksApi.GetRequest { ContainerId = id }, cancellationToken: cancellationToken)).Process;
        }
        catch (ContainerdException exception) when (exception.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>
    /// containerd's status, except that the cgroup freezer decides between running and paused: we freeze
    /// through the cgroup, so containerd believes a frozen task runs (and, after a ctr pause that we
    /// thawed, that a running task is paused).
    /// </summary>
    private async Task<TaskState> LiveStateAsync(string @namespace, string id, TypesApi.Status status, CancellationToken cancellationToken)
    {
        var state = StateOf(status);
        if (state is not (TaskState.Running or TaskState.Paused))
        {
            return state;
        }

        return await _freezer.GetStateAsync(CgroupsPathOf(@namespace, id), cancellationToken) switch
        {
            FreezerState.Frozen or FreezerState.Freezing => TaskState.Paused,
            null => state,
            _ => TaskState.Running,
        };
    }

    private static TaskState StateOf(TypesApi.Status status) => status switch
    {
        TypesApi.Status.Created => TaskState.Created,
        TypesApi.Status.Running => TaskState.Running,
        TypesApi.Status.Paused or TypesApi.Status.Pausing => TaskState.Paused,
        _ => TaskState.Stopped,
    };
}
