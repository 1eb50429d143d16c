namespace FaasD.Systemd;

/// <summary>What install and start-up ask of systemd; <see cref="SystemdManager"/> over D-Bus, fakes in tests.</summary>
public interface ISystemdManager : IAsyncDisposable
{
    Task ReloadAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<UnitFileChange>> EnableUnitFilesAsync(string[] files, bool runtime = false, bool force = true, CancellationToken cancellationToken = default);

    Task<string> StartUnitAsync(string name, string mode = "replace", CancellationToken cancellationToken = default);

    Task<string> RestartUnitAsync(string name, string mode = "replace", CancellationToken cancellationToken = default);

    Task<string> GetUnitActiveStateAsync(string name, CancellationToken cancellationToken = default);

    Task<bool> WaitForJobAsync(string jobPath, TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default);
}
