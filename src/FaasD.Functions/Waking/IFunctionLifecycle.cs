namespace FaasD.Functions.Waking;

/// <summary>
/// What scale-to-zero needs from the container runtime. Freezing and thawing act on one replica's task (the handle
/// decides which: a wake thaws one replica, load thaws more); a cold start and a deep-sleep stop act on the function.
/// The platform implements it over containerd; every call must be safe to repeat after a failure
/// (the handle retries on the next request or idle check) and must honour its cancellation token,
/// which fires when the call outlives its timeout or the function is replaced or removed.
/// </summary>
internal interface IFunctionLifecycle
{
    /// <summary>Freezes one replica's running task (cgroup freezer): memory, IP and open connections are kept.</summary>
    Task PauseAsync(FunctionKey key, string containerId, CancellationToken cancellationToken);

    /// <summary>Thaws one replica's task frozen by <see cref="PauseAsync"/>.</summary>
    Task ResumeAsync(FunctionKey key, string containerId, CancellationToken cancellationToken);

    /// <summary>
    /// For a function with no task: creates the task, attaches the network, starts it and waits until
    /// its port accepts. Returns the destination prefix, e.g. <c>http://10.62.0.7:8080</c>.
    /// </summary>
    Task<string> StartAsync(FunctionKey key, CancellationToken cancellationToken);

    /// <summary>Deep sleep: stops and deletes the task and releases its network (the container stays).</summary>
    Task StopAsync(FunctionKey key, CancellationToken cancellationToken);
}
