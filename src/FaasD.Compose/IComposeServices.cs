namespace FaasD.Compose;

/// <summary>
/// The services of the compose file as the host sees them. The host starts them before functions are served
/// (functions use them) and stops their supervisors and port forwarders when the daemon stops.
/// </summary>
public interface IComposeServices
{
    /// <summary>Starts bringing the services up in dependency order; returns at once.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Completes once every service was brought up (or failed to be), or the file was refused.</summary>
    Task<ComposeUpResult> Started { get; }

    Task StopAsync(CancellationToken cancellationToken);
}
