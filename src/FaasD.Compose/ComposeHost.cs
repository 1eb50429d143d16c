using System.Diagnostics;
using FaasD.Compose.Parsing;
using FaasD.Compose.Ports;
using FaasD.Compose.Restart;

namespace FaasD.Compose;

/// <summary>
/// The compose part of <c>faasd up</c>: read the file, publish ports, bring services up in dependency order,
/// then supervise them. It runs beside the rest of the daemon: a bad file or a failing service is logged and
/// functions keep running. Start-up returns at once; <see cref="Started"/> completes when the services are up.
/// </summary>
internal sealed partial class ComposeHost(
    ComposeOptions options,
    ProjectRunner runner,
    ServiceSupervisor supervisor,
    ServiceAddressBook addresses,
    PortProxies proxies,
    ILogger<ComposeHost> logger) : IComposeServices, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<ComposeUpResult> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;
    private ComposeProject? _project;

    /// <summary>Completes once every service was brought up (or failed to be), or the file was refused.</summary>
    public Task<ComposeUpResult> Started => _started.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _run = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _run.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await proxies.DisposeAsync();
        if (options.StopServicesOnShutdown && _project is not null)
        {
            await runner.DownAsync(_project, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await proxies.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var project = await LoadAsync(cancellationToken);
            if (project is null)
            {
                return;
            }

            var clock = Stopwatch.StartNew();
            await proxies.StartAsync(project);
            var outcomes = await runner.UpAsync(project, cancellationToken);
            // Every service wrote its own line as it came up; this drops lines of services that failed to start.
            await addresses.FlushAsync(cancellationToken);
            var result = new ComposeUpResult(project, outcomes, null, clock.Elapsed);
            Log.ServicesUp(logger, outcomes.Count(o => o.Value != ServiceStartOutcome.Failed), outcomes.Count, clock.Elapsed.TotalMilliseconds);
            _project = project;
            supervisor.Track(project.Services.Where(s => outcomes[s.Name] != ServiceStartOutcome.Failed));
            _started.TrySetResult(result);
            await supervisor.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _started.TrySetCanceled(cancellationToken);
        }
        catch (Exception exception)
        {
            // Last line of defence: the compose part may die, the daemon (and its functions) must not.
            Log.Crashed(logger, exception.Message, exception);
            _started.TrySetException(exception);
        }
    }

    private async Task<ComposeProject?> LoadAsync(CancellationToken cancellationToken)
    {
        var path = options.ResolvedFilePath;
        if (!File.Exists(path))
        {
            Log.NoFile(logger, path);
            // Still write the file: functions need localhost and gateway in it even without services.
            await addresses.FlushAsync(cancellationToken);
            _started.TrySetResult(ComposeUpResult.Empty(null));
            return null;
        }

        try
        {
            var project = await ComposeParser.LoadAsync(path, ParseContext.For(options.StateDirectory), cancellationToken);
            foreach (var key in project.Ignored)
            {
                Log.IgnoredKey(logger, path, key);
            }

            return project;
        }
        catch (ComposeException exception)
        {
            Log.InvalidFile(logger, path, exception.Message);
            _started.TrySetResult(ComposeUpResult.Empty(exception));
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.NoFile, Level = LogLevel.Information, Message = "No compose file at {Path}: no services to run")] public static partial void NoFile(ILogger logger, string path);

        [LoggerMessage(EventId = LogEvents.InvalidFile, Level = LogLevel.Error, Message = "Compose file {Path} refused, services not started (functions still run): {Reason}")] public static partial void InvalidFile(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = LogEvents.IgnoredKey, Level = LogLevel.Warning, Message = "Compose file {Path}: ignoring {Key} (not part of the subset faasd honours)")] public static partial void IgnoredKey(ILogger logger, string path, string key);

        [LoggerMessage(EventId = LogEvents.ServicesUp, Level = LogLevel.Information, Message = "{Up}/{Total} compose services up in {ElapsedMs:F0} ms")] public static partial void ServicesUp(ILogger logger, int up, int total, double elapsedMs);

        [LoggerMessage(EventId = LogEvents.Crashed, Level = LogLevel.Critical, Message = "Compose services stopped being managed: {Reason}")] public static partial void Crashed(ILogger logger, string reason, Exception exception);
    }
}
