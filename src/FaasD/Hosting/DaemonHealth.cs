using FaasD.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace FaasD.Hosting;

/// <summary>What the systemd watchdog ping vouches for: containerd answers this daemon within a few seconds.</summary>
internal static class DaemonHealth
{
    public static async Task<bool> IsHealthyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await services.GetRequiredService<IContainerRuntime>().GetVersionAsync(timeout.Token);
            return true;
        }
        catch (RuntimeException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
