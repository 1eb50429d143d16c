using System.Runtime.InteropServices;

namespace FaasD.Watchdog.Hosting;

/// <summary>
/// Replaces the console lifetime, which would stop Kestrel the moment SIGTERM arrives. The watchdog contract is:
/// remove the lock (health → 503), keep serving for <c>healthcheck_interval</c> so the platform stops routing here,
/// then stop; the host's shutdown timeout (<c>write_timeout</c>) bounds how long in-flight requests may finish.
/// </summary>
internal sealed class DrainingLifetime(
    WatchdogOptions options, ReadinessState readiness, IHostApplicationLifetime application, TimeProvider time, ILogger<DrainingLifetime> logger)
    : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signalled;
    private Task _drain = Task.CompletedTask;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStopSignal));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _drain.WaitAsync(cancellationToken);

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnStopSignal(PosixSignalContext context)
    {
        // Keep the runtime from terminating the process: we exit on our own once drained.
        context.Cancel = true;
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _drain = DrainAsync();
        }
    }

    private async Task DrainAsync()
    {
        readiness.BeginDrain();
        Log.DrainStarted(logger, options.HealthcheckInterval, options.WriteTimeout);
        await Task.Delay(options.HealthcheckInterval, time);
        application.StopApplication();
    }
}
