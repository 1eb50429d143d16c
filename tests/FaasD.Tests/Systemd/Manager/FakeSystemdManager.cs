using FaasD.Systemd.Manager;

namespace FaasD.Tests.Systemd.Manager;

/// <summary>Records what was asked of systemd and answers unit states from a table.</summary>
internal sealed class FakeSystemdManager : ISystemdManager
{
    public List<string> Calls { get; } = [];

    public Dictionary<string, string> States { get; } = new(StringComparer.Ordinal);

    /// <summary>The state a unit reaches after a start or restart job.</summary>
    public Dictionary<string, string> StateAfterStart { get; } = new(StringComparer.Ordinal);

    public Task ReloadAsync(CancellationToken cancellationToken)
    {
        Calls.Add("Reload");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UnitFileChange>> EnableUnitFilesAsync(string[] files, bool runtime = false, bool force = true, CancellationToken cancellationToken = default)
    {
        Calls.Add($"EnableUnitFiles {string.Join(',', files)} runtime={runtime} force={force}");
        return Task.FromResult<IReadOnlyList<UnitFileChange>>([]);
    }

    public Task<string> StartUnitAsync(string name, string mode = "replace", CancellationToken cancellationToken = default) => Job("StartUnit", name, mode);

    public Task<string> RestartUnitAsync(string name, string mode = "replace", CancellationToken cancellationToken = default) => Job("RestartUnit", name, mode);

    public Task<string> GetUnitActiveStateAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(States.GetValueOrDefault(name, "inactive"));

    public Task<string?> WaitForJobAsync(string jobPath, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Calls.Add($"WaitForJob {jobPath}");
        return Task.FromResult<string?>("done");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<string> Job(string method, string name, string mode)
    {
        Calls.Add($"{method} {name} {mode}");
        States[name] = StateAfterStart.GetValueOrDefault(name, "active");
        return Task.FromResult($"/org/freedesktop/systemd1/job/{Calls.Count}");
    }
}
