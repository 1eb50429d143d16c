using FaasD.Functions.Abstractions;
using FaasD.Functions.Deployment;
using FaasD.Runtime;

namespace FaasD.Functions.Waking;

/// <summary>Scale-to-zero transitions carried out on the function's current container.</summary>
internal sealed class RuntimeFunctionLifecycle(IContainerRuntime runtime, TaskStarter starter, FunctionCatalog catalog, FunctionPlatformOptions options) : IFunctionLifecycle
{
    public Task PauseAsync(FunctionKey key, CancellationToken cancellationToken) =>
        Run(key, id => runtime.PauseAsync(key.Namespace, id, cancellationToken));

    public Task ResumeAsync(FunctionKey key, CancellationToken cancellationToken) =>
        Run(key, id => runtime.ResumeAsync(key.Namespace, id, cancellationToken));

    public async Task<string> StartAsync(FunctionKey key, CancellationToken cancellationToken)
    {
        var containerId = ContainerOf(key);
        try
        {
            // A stopped task (it crashed, or deep sleep left it) must go before a new one can be created.
            var task = await runtime.GetTaskAsync(key.Namespace, containerId, cancellationToken);
            if (task.State is TaskState.Stopped or TaskState.Created)
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
        Run(key, id => runtime.StopTaskAsync(key.Namespace, id, options.StopGracePeriod, cancellationToken));

    private async Task Run(FunctionKey key, Func<string, Task> action)
    {
        try
        {
            await action(ContainerOf(key));
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
