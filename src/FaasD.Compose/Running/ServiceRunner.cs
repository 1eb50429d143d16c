namespace FaasD.Compose.Running;

/// <summary>
/// Brings one service to "running with this definition", doing only what is missing: adopt a running container
/// whose hash matches, start a task that is gone, re-create a container whose definition changed. Each step is
/// idempotent, so a daemon killed half-way finishes the job on its next start.
/// </summary>
internal sealed partial class ServiceRunner(
    IContainerRuntime runtime,
    ServiceSpecBuilder specs,
    ServiceAddressBook addresses,
    ILogCapture logs,
    ComposeOptions options,
    ILogger<ServiceRunner> logger)
{
    private string Namespace => options.Namespace;

    public async Task<ServiceStartOutcome> EnsureRunningAsync(ServiceDefinition service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var spec = specs.Build(service);
        var hash = spec.Labels[ComposeLabels.DefinitionHash];
        var outcome = ServiceStartOutcome.Adopted;
        var existing = await runtime.GetContainerAsync(Namespace, service.Name, cancellationToken);
        if (existing is not null && !existing.Labels.ContainsKey(ComposeLabels.Service))
        {
            // Someone else's container has the service's name: never replace what FaasD did not create.
            throw new RuntimeException(
                RuntimeErrorKind.AlreadyExists,
                $"a container named {service.Name} that FaasD did not create exists in namespace {Namespace}: remove or rename it");
        }

        if (existing is not null && (!existing.Labels.TryGetValue(ComposeLabels.DefinitionHash, out var current) || current != hash))
        {
            Log.DefinitionChanged(logger, service.Name);
            await addresses.RemoveAsync(service.Name, cancellationToken);
            await runtime.DeleteContainerAsync(Namespace, service.Name, cancellationToken);
            existing = null;
            outcome = ServiceStartOutcome.Recreated;
        }

        if (existing is null)
        {
            BindSources.Prepare(service, Path.Combine(options.StateDirectory, "secrets"));
            await runtime.EnsureImageAsync(Namespace, service.Image, cancellationToken);
            await CreateAsync(spec, cancellationToken);
            outcome = outcome == ServiceStartOutcome.Recreated ? outcome : ServiceStartOutcome.Created;
        }

        logs.Follow(Namespace, service.Name, service.Name);
        var task = await runtime.GetTaskAsync(Namespace, service.Name, cancellationToken);
        switch (task.State)
        {
            case TaskState.Running:
                break;
            case TaskState.Paused:
                await runtime.ResumeAsync(Namespace, service.Name, cancellationToken);
                break;
            default:
                task = await StartTaskAsync(service.Name, task.State, cancellationToken);
                if (outcome == ServiceStartOutcome.Adopted)
                {
                    outcome = ServiceStartOutcome.Started;
                }

                break;
        }

        await PublishAddressAsync(service.Name, task, cancellationToken);
        Log.ServiceUp(logger, service.Name, outcome, task.Address?.ToString() ?? "?");
        return outcome;
    }

    /// <summary>After the task exited: clear the dead task away and start a fresh one (new IP possibly).</summary>
    public async Task RestartTaskAsync(string service, CancellationToken cancellationToken)
    {
        var current = await runtime.GetTaskAsync(Namespace, service, cancellationToken);
        var task = current.State == TaskState.Running ? current : await StartTaskAsync(service, current.State, cancellationToken);
        await PublishAddressAsync(service, task, cancellationToken);
    }

    /// <summary>Stops the service's task (the container and its data stay; the next start re-uses them).</summary>
    public async Task StopAsync(string service, CancellationToken cancellationToken)
    {
        await addresses.RemoveAsync(service, cancellationToken);
        await runtime.StopTaskAsync(Namespace, service, options.StopGracePeriod, cancellationToken);
        Log.ServiceStopped(logger, service);
    }

    /// <summary>A service that left the file: its container goes, its bind-mounted data stays.</summary>
    public async Task RemoveAsync(string service, CancellationToken cancellationToken)
    {
        await addresses.RemoveAsync(service, cancellationToken);
        await runtime.DeleteContainerAsync(Namespace, service, cancellationToken);
        Log.ServiceRemoved(logger, service);
    }

    private async Task CreateAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.CreateContainerAsync(spec, cancellationToken);
        }
        catch (RuntimeException exception) when (exception.Kind == RuntimeErrorKind.AlreadyExists)
        {
            // Created by an earlier attempt that died before it could say so; same id, same spec.
        }
    }

    private async Task<TaskInfo> StartTaskAsync(string service, TaskState state, CancellationToken cancellationToken)
    {
        if (state is TaskState.Stopped or TaskState.Created)
        {
            // A dead (or never started) task still holds its id and network; clear it so a fresh one can start.
            await runtime.StopTaskAsync(Namespace, service, options.StopGracePeriod, cancellationToken);
        }

        var started = await runtime.StartTaskAsync(Namespace, service, cancellationToken);
        return started.Address is null ? await runtime.GetTaskAsync(Namespace, service, cancellationToken) : started;
    }

    private async Task PublishAddressAsync(string service, TaskInfo task, CancellationToken cancellationToken)
    {
        if (task.Address is { } address)
        {
            await addresses.SetAsync(service, address, cancellationToken);
        }
        else
        {
            Log.NoAddress(logger, service);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.DefinitionChanged, Level = LogLevel.Information, Message = "Service {Service} changed: re-creating its container (volumes are kept)")] public static partial void DefinitionChanged(ILogger logger, string service);

        [LoggerMessage(EventId = LogEvents.ServiceUp, Level = LogLevel.Information, Message = "Service {Service} up ({Outcome}) at {Address}")] public static partial void ServiceUp(ILogger logger, string service, ServiceStartOutcome outcome, string address);

        [LoggerMessage(EventId = LogEvents.ServiceStopped, Level = LogLevel.Information, Message = "Service {Service} stopped")] public static partial void ServiceStopped(ILogger logger, string service);

        [LoggerMessage(EventId = LogEvents.ServiceRemoved, Level = LogLevel.Information, Message = "Service {Service} is no longer in the compose file: container removed, data kept")] public static partial void ServiceRemoved(ILogger logger, string service);

        [LoggerMessage(EventId = LogEvents.NoAddress, Level = LogLevel.Warning, Message = "Service {Service} runs but has no IP address; it is left out of the hosts file")] public static partial void NoAddress(ILogger logger, string service);
    }
}
