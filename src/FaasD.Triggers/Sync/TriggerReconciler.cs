namespace FaasD.Triggers.Sync;

/// <summary>
/// Feeds the trigger engines: a full listing at start (the host starts it after recovery, so recovered functions
/// are in it), each deploy/update/remove as the platform announces it, and a full listing every
/// <see cref="TriggerOptions.ResyncInterval"/> as a safety net.
/// </summary>
internal sealed partial class TriggerReconciler(
    IFunctionPlatform platform,
    INamespaceStore namespaces,
    FunctionChangeChannel changes,
    IEnumerable<ITriggerEngine> engines,
    TriggerOptions options,
    TimeProvider time,
    ILogger<TriggerReconciler> logger) : BackgroundService
{
    private readonly ITriggerEngine[] _engines = engines.ToArray();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var resyncAt = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (time.GetUtcNow() >= resyncAt)
            {
                await ResyncAsync(stoppingToken);
                resyncAt = time.GetUtcNow() + options.ResyncInterval;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var timer = Task.Delay(resyncAt - time.GetUtcNow() is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, wake.Token);
            var changed = changes.Reader.WaitToReadAsync(wake.Token).AsTask();
            if (time.GetUtcNow() < resyncAt)
            {
                await Task.WhenAny(timer, changed);
            }

            await wake.CancelAsync();
            while (changes.Reader.TryRead(out var change))
            {
                Apply(change);
            }
        }
    }

    /// <summary>Lists every function in every OpenFaaS namespace and hands the engines the complete picture.</summary>
    internal async Task ResyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            var present = new HashSet<TriggerKey>();
            foreach (var @namespace in await namespaces.ListAsync(cancellationToken))
            {
                foreach (var function in await platform.ListAsync(@namespace, cancellationToken))
                {
                    var key = new TriggerKey(function.Spec.Namespace, function.Spec.Name);
                    present.Add(key);
                    SetAll(key, Parse(key, function.Spec));
                }
            }

            foreach (var engine in _engines)
            {
                engine.Retain(present);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Keep what the engines have: a transient listing failure (containerd restarting) must neither
            // unschedule everything nor end this service, which would stop the daemon.
            Log.ResyncFailed(logger, ex.Message);
        }
    }

    internal void Apply(FunctionChange change)
    {
        var key = new TriggerKey(change.Namespace, change.Name);
        SetAll(key, change.Spec is null ? null : Parse(key, change.Spec));
    }

    private void SetAll(TriggerKey key, FunctionTriggers? triggers)
    {
        foreach (var engine in _engines)
        {
            engine.Set(key, triggers);
        }
    }

    /// <summary>Deploy rejects bad annotations; one that slipped in earlier (older daemon) is logged and has no triggers.</summary>
    private FunctionTriggers? Parse(TriggerKey key, FunctionSpec spec)
    {
        if (TriggerAnnotations.TryParse(spec.Annotations, options.DefaultTimeZone, options.NatsUrl is not null, out var triggers, out var error))
        {
            return triggers;
        }

        Log.InvalidAnnotations(logger, key.ToString(), error ?? "invalid");
        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.TriggerResyncFailed, Level = LogLevel.Warning, Message = "Triggers: listing functions failed, keeping the current triggers: {Reason}")] public static partial void ResyncFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = LogEvents.TriggerAnnotationsInvalid, Level = LogLevel.Warning, Message = "Triggers: {Function} has no triggers, its annotations are invalid: {Reason}")] public static partial void InvalidAnnotations(ILogger logger, string function, string reason);
    }
}
