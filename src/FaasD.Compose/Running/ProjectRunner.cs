namespace FaasD.Compose.Running;

/// <summary>
/// Brings a whole project up: services that left the file are removed, then every service starts as soon as all of
/// its dependencies run (independent ones in parallel). One failure stops only the services that depend on it.
/// </summary>
internal sealed partial class ProjectRunner(
    IContainerRuntime runtime,
    ServiceRunner services,
    ServiceAddressBook addresses,
    ComposeOptions options,
    ILogger<ProjectRunner> logger)
{
    public async Task<IReadOnlyDictionary<string, ServiceStartOutcome>> UpAsync(ComposeProject project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        // No "openfaas" label: that label would make the namespace a function namespace.
        await runtime.EnsureNamespaceAsync(options.Namespace, new Dictionary<string, string>(), cancellationToken);
        await RemoveDroppedAsync(project, cancellationToken);
        await LearnRunningAddressesAsync(project, cancellationToken);
        // The file must exist before the first task starts: runc refuses to bind-mount a missing source.
        await addresses.FlushAsync(cancellationToken);

        // Pulls do not depend on start order: fetch every image at once, while dependencies are still starting.
        var pulls = project.Services.Select(s => s.Image).Distinct(StringComparer.Ordinal)
            .ToDictionary(image => image, image => PullAsync(image, cancellationToken), StringComparer.Ordinal);
        var started = new Dictionary<string, Task<ServiceStartOutcome>>(StringComparer.Ordinal);
        foreach (var service in project.Services)
        {
            // Services are in dependency order, so every dependency's task is already in the map.
            var dependencies = service.DependsOn.Select(name => (name, started[name])).ToList();
            started[service.Name] = StartAfterAsync(service, pulls[service.Image], dependencies, cancellationToken);
        }

        var outcomes = new Dictionary<string, ServiceStartOutcome>(StringComparer.Ordinal);
        foreach (var (name, start) in started)
        {
            outcomes[name] = await start;
        }

        return outcomes;
    }

    /// <summary>Stops every service's task, dependents first.</summary>
    public async Task DownAsync(ComposeProject project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        foreach (var service in project.Services.Reverse())
        {
            try
            {
                await services.StopAsync(service.Name, cancellationToken);
            }
            catch (RuntimeException exception)
            {
                Log.StopFailed(logger, service.Name, exception.Message, exception);
            }
        }
    }

    private async Task<ServiceStartOutcome> StartAfterAsync(
        ServiceDefinition service,
        Task<RuntimeException?> pull,
        List<(string Name, Task<ServiceStartOutcome> Started)> dependencies,
        CancellationToken cancellationToken)
    {
        if (await pull is { } pullFailure)
        {
            Log.StartFailed(logger, service.Name, pullFailure.Message, pullFailure);
            return ServiceStartOutcome.Failed;
        }

        foreach (var (name, dependency) in dependencies)
        {
            if (await dependency == ServiceStartOutcome.Failed)
            {
                Log.DependencyFailed(logger, service.Name, name);
                return ServiceStartOutcome.Failed;
            }
        }

        try
        {
            return await services.EnsureRunningAsync(service, cancellationToken);
        }
        catch (Exception exception) when (exception is RuntimeException or ComposeException or IOException or UnauthorizedAccessException)
        {
            Log.StartFailed(logger, service.Name, exception.Message, exception);
            return ServiceStartOutcome.Failed;
        }
    }

    /// <summary>
    /// After a daemon restart the hosts file still lists the services that kept running; knowing their addresses
    /// before the first rewrite keeps those lines in place, so functions never see a name vanish while we adopt.
    /// </summary>
    private async Task LearnRunningAddressesAsync(ComposeProject project, CancellationToken cancellationToken)
    {
        foreach (var service in project.Services)
        {
            var task = await runtime.GetTaskAsync(options.Namespace, service.Name, cancellationToken);
            if (task is { State: TaskState.Running, Address: { } address })
            {
                addresses.Remember(service.Name, address);
            }
        }
    }

    /// <summary>The failure is returned, not thrown, so it belongs to the services using the image and no one else.</summary>
    private async Task<RuntimeException?> PullAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.EnsureImageAsync(options.Namespace, image, cancellationToken);
            return null;
        }
        catch (RuntimeException exception)
        {
            return exception;
        }
    }

    private async Task RemoveDroppedAsync(ComposeProject project, CancellationToken cancellationToken)
    {
        foreach (var container in await runtime.ListContainersAsync(options.Namespace, cancellationToken))
        {
            if (container.Labels.ContainsKey(ComposeLabels.Service) && project.Find(container.Id) is null)
            {
                await services.RemoveAsync(container.Id, cancellationToken);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.StartFailed, Level = LogLevel.Error, Message = "Service {Service} did not start: {Reason}")] public static partial void StartFailed(ILogger logger, string service, string reason, Exception exception);

        [LoggerMessage(EventId = LogEvents.DependencyFailed, Level = LogLevel.Error, Message = "Service {Service} not started: its dependency {Dependency} did not start")] public static partial void DependencyFailed(ILogger logger, string service, string dependency);

        [LoggerMessage(EventId = LogEvents.StopFailed, Level = LogLevel.Warning, Message = "Service {Service} did not stop cleanly: {Reason}")] public static partial void StopFailed(ILogger logger, string service, string reason, Exception exception);
    }
}
