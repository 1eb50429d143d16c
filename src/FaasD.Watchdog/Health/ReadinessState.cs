namespace FaasD.Watchdog.Health;

/// <summary>
/// Whether the watchdog should be sent traffic: the server is listening, the function can answer (always
/// in fork modes, once the upstream accepts in http mode) and no drain has begun. The lock file mirrors it.
/// </summary>
internal sealed class ReadinessState
{
    private readonly Lock _gate = new();
    private readonly LockFile? _lockFile;
    private bool _listening;
    private bool _functionReady;
    private bool _draining;

    public ReadinessState(WatchdogOptions options)
    {
        _lockFile = options.SuppressLock ? null : new LockFile(options.LockFilePath);
        _functionReady = options.Mode != WatchdogMode.Http;
    }

    public bool IsHealthy
    {
        get
        {
            lock (_gate)
            {
                // Re-check the file too: removing it by hand is how operators take a replica out.
                return IsReadyLocked && (_lockFile is null || _lockFile.Exists);
            }
        }
    }

    private bool IsReadyLocked => _listening && _functionReady && !_draining;

    public void MarkListening() => Update(() => _listening = true);

    public void SetFunctionReady(bool ready) => Update(() => _functionReady = ready);

    public void BeginDrain() => Update(() => _draining = true);

    private void Update(Action change)
    {
        lock (_gate)
        {
            change();
            if (_lockFile is null)
            {
                return;
            }

            if (IsReadyLocked)
            {
                _lockFile.Write();
            }
            else
            {
                _lockFile.Remove();
            }
        }
    }
}
