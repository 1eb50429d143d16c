namespace FaasD.Runtime.Lifecycle;

internal sealed partial class ContainerRuntime
{
    // Pause and resume write the task's cgroup freezer directly instead of calling Tasks.Pause/Resume:
    // measured on this VM, a direct freeze and thaw cost about a tenth of the gRPC round trip through
    // containerd, the shim and a runc process, and resume sits on the request path of a sleeping function.
    // Whatever freezes directly must thaw directly (runc refuses to resume a cgroup it did not freeze),
    // which is why stop thaws first and GetTaskAsync reads the freezer to report Paused.

    public async Task PauseAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        ContainerNames.Validate(@namespace, id);
        await _freezer.FreezeAsync(CgroupsPathOf(@namespace, id), cancellationToken);
        Log.TaskPaused(_logger, @namespace, id);
    }

    public async Task ResumeAsync(string @namespace, string id, CancellationToken cancellationToken)
    {
        ContainerNames.Validate(@namespace, id);
        await _freezer.ThawAsync(CgroupsPathOf(@namespace, id), cancellationToken);
        Log.TaskResumed(_logger, @namespace, id);
    }
}
