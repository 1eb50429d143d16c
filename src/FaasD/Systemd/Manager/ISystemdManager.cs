namespace FaasD.Systemd.Manager;

/// <summary>What install and start-up ask of systemd; <see cref="SystemdManager"/> over D-Bus, fakes in tests.</summary>
public interface ISystemdManager : IAsyncDisposable
{
    /// <summary>daemon-reload; systemd replies only once the reload has finished.</summary>
    Task ReloadAsync(CancellationToken cancellationToken);

    /// <summary>Enables unit files (names or absolute paths); returns the symlinks systemd made or removed.</summary>
    Task<IReadOnlyList<UnitFileChange>> EnableUnitFilesAsync(string[] files, bool runtime = false, bool force = true, CancellationToken cancellationToken = default);

    /// <summary>Queues a start job and returns its object path; <see cref="WaitForJobAsync"/> tells when it is done.</summary>
    Task<string> StartUnitAsync(string name, string mode = "replace", CancellationToken cancellationToken = default);

    Task<string> RestartUnitAsync(string name, string mode = "replace", CancellationToken cancellationToken = default);

    /// <summary>"active", "activating", "failed", "inactive"...; a unit systemd has not loaded is "inactive".</summary>
    Task<string> GetUnitActiveStateAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for the job that <see cref="StartUnitAsync"/> or <see cref="RestartUnitAsync"/> queued to finish and returns
    /// systemd's result for it ("done", "failed", "canceled", "timeout", "dependency", "skipped"); null when
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    Task<string?> WaitForJobAsync(string jobPath, TimeSpan timeout, CancellationToken cancellationToken = default);
}
