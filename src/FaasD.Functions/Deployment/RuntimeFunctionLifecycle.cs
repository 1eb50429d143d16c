using FaasD.Functions.Abstractions;
using FaasD.Functions.Scaling;
using FaasD.Runtime;

namespace FaasD.Functions.Deployment;

/// <summary>Scale-to-zero transitions carried out on the function's current container.</summary>
public sealed class RuntimeFunctionLifecycle(IContainerRuntime runtime, FunctionCatalog catalog, FunctionPlatformOptions options) : IFunctionLifecycle
{
    private FunctionPlatform? _platform;

    /// <summary>The platform and the registry need each other; the host closes the loop once both exist.</summary>
    public void Attach(FunctionPlatform platform) => _platform = platform;

    public Task PauseAsync(FunctionKey key, CancellationToken cancellationToken) =>
        Run(key, id => runtime.PauseAsync(key.Namespace, id, cancellationToken));

    public Task ResumeAsync(FunctionKey key, CancellationToken cancellationToken) =>
        Run(key, id => runtime.ResumeAsync(key.Namespace, id, cancellationToken));

    public async Task<string> StartAsync(FunctionKey key, CancellationToken cancellationToken)
    {
        var platform = _platform ?? throw new InvalidOperationException("lifecycle used before the platform was attached");
        var containerId = ContainerOf(key);
        try
        {
            // A stopped task (it crashed, or deep sleep left it) must go before a new one can be created.
            var task = await runtime.GetTaskAsync(key.Namespace, containerId, cancellationToken);
            if (task.State is TaskState.Stopped or TaskState.Created)
            {
                await runtime.StopTaskAsync(key.Namespace, containerId, TimeSpan.Zero, cancellationToken);
            }

            return await platform.StartTaskAsync(key.Namespace, key.Name, containerId, cancellationToken);
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
