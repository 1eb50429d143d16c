using System.Net.Sockets;

namespace FaasD.Watchdog.Upstream;

/// <summary>
/// http mode: keeps one <c>fprocess</c> running. Readiness follows the upstream's TCP port, and a process that
/// dies is restarted with backoff (health reports 503 meanwhile) rather than taking the watchdog down with it.
/// </summary>
/// <remarks>
/// Stopping the host does not stop the upstream: in-flight proxied requests must finish during the drain, so the
/// process is killed only when the host is disposed, after Kestrel has drained.
/// </remarks>
internal sealed class UpstreamSupervisor(
    WatchdogOptions options, ReadinessState readiness, FunctionOutput functionOutput, TimeProvider time, ILogger<UpstreamSupervisor> logger)
    : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan s_probeInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_firstRestartDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_maxRestartDelay = TimeSpan.FromSeconds(5);

    /// <summary>A process that stayed up this long was healthy; its death restarts without accumulated backoff.</summary>
    private static readonly TimeSpan s_stableUptime = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _ready = NewSignal();
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public Uri Url { get; } = options.UpstreamUrl ?? throw new InvalidOperationException("http mode needs upstream_url");

    /// <summary>Completes when the upstream accepts connections; requests arriving during a restart wait here.</summary>
    public Task WhenReadyAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _ready.Task.WaitAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => SuperviseAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        // RunAsync disposes the host and so does the caller's `await using`: only the first call acts.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var delay = s_firstRestartDelay;
        while (!stopping.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            if (await RunOnceAsync(stopping) is not { } exit)
            {
                return;
            }

            delay = time.GetElapsedTime(started) > s_stableUptime ? s_firstRestartDelay : delay;
            Log.UpstreamExited(logger, exit.Pid, exit.ExitCode, delay);
            try
            {
                await Task.Delay(delay, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxRestartDelay.Ticks));
        }
    }

    /// <returns>How the process ended, or null when the watchdog is stopping.</returns>
    private async Task<(int Pid, int ExitCode)?> RunOnceAsync(CancellationToken stopping)
    {
        FunctionProcess process;
        try
        {
            process = FunctionProcess.Start(options.Command, extraEnvironment: null);
        }
        catch (FunctionStartException e)
        {
            Log.StartFailed(logger, e.Message);
            return (0, -1);
        }

        using (process)
        {
            Log.UpstreamStarted(logger, process.Id, string.Join(' ', options.Command));
            // of-watchdog gives the server /dev/null as stdin; closing our end of the pipe is the same immediate EOF.
            process.StandardInput.Close();
            var stdout = functionOutput.ForwardStdoutAsync(process.StandardOutput, CancellationToken.None);
            var stderr = functionOutput.ForwardStderrAsync(process.StandardError, CancellationToken.None);
            var exited = process.WaitForExitAsync(stopping);
            try
            {
                if (await WaitUntilAcceptingAsync(exited, stopping))
                {
                    SetReady(true);
                }

                await exited;
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                return null;
            }
            finally
            {
                SetReady(false);
            }

            // Drain the last lines the process wrote before dying; they usually say why.
            try
            {
                await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(1), time, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // A grandchild still holds the pipes open; its output keeps flowing in the background.
            }

            return (process.Id, process.ExitCode);
        }
    }

    private async Task<bool> WaitUntilAcceptingAsync(Task exited, CancellationToken stopping)
    {
        var started = time.GetTimestamp();
        while (!exited.IsCompleted)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(Url.Host, Url.Port, stopping);
                Log.UpstreamReady(logger, Url, time.GetElapsedTime(started));
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(s_probeInterval, time, stopping);
            }
        }

        return false;
    }

    private void SetReady(bool ready)
    {
        lock (_gate)
        {
            if (ready)
            {
                _ready.TrySetResult();
            }
            else if (_ready.Task.IsCompleted)
            {
                _ready = NewSignal();
            }
        }

        readiness.SetFunctionReady(ready);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
