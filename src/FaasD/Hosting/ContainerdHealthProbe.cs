using FaasD.Gateway;

namespace FaasD.Hosting;

/// <summary>
/// <c>/healthz</c>'s view of containerd: healthy while it answers a Version call within a few seconds. Nothing the
/// daemon does (deploy, wake, recovery) works without it, so a daemon that cannot reach it is not healthy.
/// </summary>
internal sealed class ContainerdHealthProbe(IContainerRuntime runtime, DaemonSettings settings) : IHealthProbe
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await runtime.GetVersionAsync(timeout.Token);
            return HealthReport.Ok;
        }
        catch (RuntimeException ex)
        {
            return HealthReport.Unhealthy($"containerd is not reachable at {settings.ContainerdSocket}: {ex.Kind}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthReport.Unhealthy($"containerd at {settings.ContainerdSocket} did not answer within {Timeout.TotalSeconds:0} s");
        }
    }
}
