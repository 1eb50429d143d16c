namespace FaasD.Functions.Waking;

/// <summary>
/// Scale-to-zero transitions carried out on the function's containers: pause and resume act on the replica the handle
/// names, stop on every replica (one without a task is skipped); a cold start wakes the primary one and the supervisor
/// restarts the others.
/// </summary>
internal sealed class RuntimeFunctionLifecycle(IContainerRuntime runtime, TaskStarter starter, FunctionCatalog catalog, FunctionPlatformOptions options) : IFunctionLifecycle
{
    public async Task PauseAsync(FunctionKey key, string containerId, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.PauseAsync(key.Namespace, containerId, cancellationToken);
        }
        catch (RuntimeException ex)
        {
            throw RuntimeErrors.Translate(ex, $"freezing {containerId}");
        }
    }

    public async Task ResumeAsync(FunctionKey key, string containerId, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.ResumeAsync(key.Namespace, containerId, cancellationToken);
        }
        catch (RuntimeException ex)
        {
            throw RuntimeErrors.Translate(ex, $"thawing {containerId}");
        }
    }

    public async Task<string> StartAsync(FunctionKey key, CancellationToken cancellationToken)
    {
        var containerId = ContainerOf(key);
        try
        {
            // A stopped task (it crashed, or deep sleep left it), or one taken out of rotation that still runs, must go
            // before a new one can be created: nothing of this function serves when it is cold-started.
            var task = await runtime.GetTaskAsync(key.Namespace, containerId, cancellationToken);
            if (task.State is not TaskState.None)
            {
                await runtime.StopTaskAsync(key.Namespace, containerId, TimeSpan.Zero, cancellationToken);
            }

            return await starter.StartAsync(key.Namespace, key.Name, containerId, cancellationToken);
        }
        catch (RuntimeException ex)
        {
            throw RuntimeErrors.Translate(ex, $"starting {key}");
        }
    }

    public Task StopAsync(FunctionKey key, CancellationToken cancellationToken) =>
        RunOnEach(key, id => runtime.StopTaskAsync(key.Namespace, id, options.StopGracePeriod, cancellationToken));

    /// <summary>
    /// The action on every replica at once. A replica without a task (it exited and waits for its restart) or one
    /// already in the wanted state is skipped; the primary must succeed.
    /// </summary>
    private async Task RunOnEach(FunctionKey key, Func<string, Task> action)
    {
        var function = catalog.TryGet(key, out var found)
            ? found
            : throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function {key} not found");
        try
        {
            await Task.WhenAll(function.ReplicaIds.Select(async id =>
            {
                try
                {
                    await action(id);
                }
                catch (RuntimeException ex) when (id != function.ContainerId
                    && ex.Kind is RuntimeErrorKind.NotFound or RuntimeErrorKind.FailedPrecondition)
                {
                }
            }));
        }
        catch (RuntimeException ex)
        {
            throw RuntimeErrors.Translate(ex, key.ToString());
        }
    }

    private string ContainerOf(FunctionKey key) =>
        catalog.TryGet(key, out var function)
            ? function.ContainerId
            : throw new FunctionPlatformException(FunctionErrorKind.NotFound, $"function {key} not found");
}
