namespace FaasD.Functions.Scaling;

/// <summary>
/// Puts idle functions to sleep: every <see cref="ScaleToZeroOptions.IdleCheckInterval"/> it pauses Running
/// functions idle for their idle duration and stops Paused ones frozen past their stop-after
/// (decisions in <see cref="FunctionHandle.TryBeginIdleWork"/>). A failed pause is logged by the handle, which
/// returns to Running and is tried again after another idle duration.
/// </summary>
internal sealed partial class Idler : BackgroundService
{
    private readonly FunctionRegistry _registry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public Idler(FunctionRegistry registry, TimeProvider timeProvider, ILogger<Idler> logger)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _time = timeProvider;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>Checks on every tick until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = _registry.Options.IdleCheckInterval;
        Log.Started(_logger, interval.TotalSeconds);
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await SweepAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One check of every function; completes when the pauses and stops it began have returned.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        List<Task>? begun = null;
        foreach (var handle in _registry.Handles)
        {
            if (handle.TryBeginIdleWork(now) is { } work)
            {
                (begun ??= []).Add(work);
            }
        }

        if (begun is null)
        {
            return 0;
        }

        await Task.WhenAll(begun).WaitAsync(cancellationToken);
        return begun.Count;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.IdlerStarted, Level = LogLevel.Information, Message = "Idler checking for idle functions every {IntervalSeconds} s")] public static partial void Started(ILogger logger, double intervalSeconds);
    }
}
