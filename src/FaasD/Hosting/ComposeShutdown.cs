namespace FaasD.Hosting;

/// <summary>
/// The compose services are started by <see cref="DaemonStartup"/> (before the gateway serves); this only
/// stops their supervisors and port forwarders when the daemon stops (and the services, if configured).
/// </summary>
internal sealed class ComposeShutdown(IComposeServices compose) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => compose.StopAsync(cancellationToken);
}
