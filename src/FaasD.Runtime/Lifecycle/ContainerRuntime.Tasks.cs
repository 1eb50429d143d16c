using FaasD.Containerd;
using FaasD.Containerd.Errors;
using FaasD.Runtime.Cgroups;
using TasksApi = FaasD.Containerd.Api.Tasks;
using TypesApi = FaasD.Containerd.Api.Types;

namespace FaasD.Runtime.Lifecycle;

public sealed partial class ContainerRuntime
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

            var state = StateOf(task.Status);
            if (state == TaskState.Running && await IsFrozenAsync(@namespace, id, cancellationToken))
            {
                // We freeze through the cgroup, so containerd still believes the task runs.
                state = TaskState.Paused;
            }

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

    private async Task<bool> IsFrozenAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        await _freezer.GetStateAsync(CgroupsPathOf(@namespace, id), cancellationToken) is FreezerState.Frozen or FreezerState.Freezing;

    private static TaskState StateOf(TypesApi.Status status) => status switch
    {
        TypesApi.Status.Created => TaskState.Created,
        TypesApi.Status.Running => TaskState.Running,
        TypesApi.Status.Paused or TypesApi.Status.Pausing => TaskState.Paused,
        _ => TaskState.Stopped,
    };
}
