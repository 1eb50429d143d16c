namespace FaasD.Runtime.Lifecycle;

internal sealed partial class ContainerRuntime
{
    private const uint SigKill = 9;
    private const uint SigTerm = 15;
    private const int KillAttempts = 3;

    public Task StopTaskAsync(string @namespace, string id, TimeSpan gracePeriod, CancellationToken cancellationToken) =>
        RuntimeErrors.TranslateAsync(async () =>
        {
            ContainerNames.Validate(@namespace, id);
            await RequireManagedAsync(ScopeOf(@namespace), id, cancellationToken);
            await StopTaskCoreAsync(@namespace, id, gracePeriod, cancellationToken);
        });

    private async Task StopTaskCoreAsync(string @namespace, string id, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        var scope = ScopeOf(@namespace);
        var task = await FindTaskAsync(scope, id, cancellationToken);
        if (task is not null)
        {
            await EnsureThawedAsync(scope, @namespace, id, task, cancellationToken);
            if (task.Status != TypesApi.Status.Stopped)
            {
                var exited = false;
                if (gracePeriod > TimeSpan.Zero && task.Status != TypesApi.Status.Created)
                {
                    exited = await SignalAsync(scope, id, SigTerm, cancellationToken)
                        && await WaitForExitAsync(scope, id, gracePeriod, cancellationToken);
                }

                // A SIGKILLed task is gone at once, but its shim reports exits one at a time: under a burst (a hundred
                // functions removed together) the report can come later than one kill timeout. Ask again before giving up.
                for (var attempt = 1; !exited; attempt++)
                {
                    exited = !await SignalAsync(scope, id, SigKill, cancellationToken)
                        || await WaitForExitAsync(scope, id, _options.KillTimeout, cancellationToken);
                    if (!exited && attempt == KillAttempts)
                    {
                        throw new RuntimeException(RuntimeErrorKind.Unavailable, $"task {@namespace}/{id} did not exit within {KillAttempts} x {_options.KillTimeout} of SIGKILL");
                    }
                }
            }

            await DeleteTaskAsync(scope, id, cancellationToken);
            Log.TaskStopped(_logger, @namespace, id);
        }

        // Also when there was no task: a crash may have left the network of one behind.
        await _network.DetachAsync(ContainerNames.NetworkId(@namespace, id), cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ReleaseOrphanedNetworksAsync(string @namespace, IEnumerable<string> knownContainers, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var prefix = ContainerNames.NetworkId(@namespace, "");
        var released = new List<string>();
        IReadOnlyList<string> attachments;
        try
        {
            var known = knownContainers.Select(id => ContainerNames.NetworkId(@namespace, id)).ToHashSet(StringComparer.Ordinal);
            attachments = await _network.ListAttachmentsAsync(prefix, known, olderThan, cancellationToken);
        }
        catch (Exception e) when (e is NetworkException or IOException)
        {
            // An unreadable CNI config fails each cold start with its reason; it must not stop the daemon's start here.
            Log.OrphanedNetworksNotChecked(_logger, e, @namespace);
            return released;
        }

        foreach (var networkId in attachments)
        {
            var id = networkId[prefix.Length..];
            if (await GetContainerAsync(@namespace, id, cancellationToken) is not null)
            {
                continue;
            }

            try
            {
                await _network.DetachAsync(networkId, cancellationToken);
                Log.OrphanedNetworkReleased(_logger, @namespace, id);
                released.Add(id);
            }
            catch (Exception e) when (e is NetworkException or IOException)
            {
                // Its record stays, so the next start tries again; the start itself goes on.
                Log.OrphanedNetworkReleaseFailed(_logger, e, @namespace, id);
            }
        }

        return released;
    }

    /// <summary>
    /// A frozen task cannot act on SIGTERM, and runc cannot delete a frozen cgroup. We freeze through the
    /// cgroup, so we thaw through it. If someone paused the task through containerd (ctr pause), containerd's
    /// shim holds it as paused and runc only resumes a cgroup that is frozen: freeze it first if it is not,
    /// so Tasks.Resume succeeds and containerd's idea of the task matches the cgroup again.
    /// </summary>
    private async Task EnsureThawedAsync(ContainerdScope scope, string @namespace, string id, TypesApi.Process task, CancellationToken cancellationToken)
    {
        var cgroupsPath = CgroupsPathOf(@namespace, id);
        if (task.Status is TypesApi.Status.Paused or TypesApi.Status.Pausing)
        {
            if (await _freezer.GetStateAsync(cgroupsPath, cancellationToken) is FreezerState.Thawed)
            {
                await _freezer.FreezeAsync(cgroupsPath, cancellationToken);
            }

            await scope.Tasks.ResumeAsync(new TasksApi.ResumeTaskRequest { ContainerId = id }, cancellationToken: cancellationToken);
        }

        if (await _freezer.GetStateAsync(cgroupsPath, cancellationToken) is FreezerState.Frozen or FreezerState.Freezing)
        {
            await _freezer.ThawAsync(cgroupsPath, cancellationToken);
        }
    }

    /// <summary>Signals every process of the task; false when it is already gone.</summary>
    private static async Task<bool> SignalAsync(ContainerdScope scope, string id, uint signal, CancellationToken cancellationToken)
    {
        try
        {
            await scope.Tasks.KillAsync(new TasksApi.KillRequest { ContainerId = id, Signal = signal, All = true }, cancellationToken: cancellationToken);
            return true;
        }
        catch (ContainerdException exception) when (exception.IsNotFound())
        {
            return false;
        }
    }

    /// <summary>True when the task exited within <paramref name="timeout"/>.</summary>
    private static async Task<bool> WaitForExitAsync(ContainerdScope scope, string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await scope.Tasks.WaitAsync(new TasksApi.WaitRequest { ContainerId = id }, cancellationToken: deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (ContainerdException exception) when (exception.IsNotFound())
        {
            return true;
        }
    }
}
