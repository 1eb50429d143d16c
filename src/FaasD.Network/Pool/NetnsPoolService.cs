using Microsoft.Extensions.Hosting;

namespace FaasD.Network.Pool;

/// <summary>Runs the pool for the daemon's lifetime: recovery and refills start with the host, unused entries go at stop.</summary>
internal sealed class NetnsPoolService(NetnsPool? pool) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        pool?.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => pool?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
