namespace FaasD.Triggers.Nats;

/// <summary>
/// Keeps one <see cref="TopicSubscription"/> per function whose <c>topic</c> annotation names NATS subjects, on
/// one connection that reconnects forever (and retries its first connect, so the daemon starts without NATS).
/// </summary>
internal sealed partial class NatsTopicRouter : IHostedService, ITriggerEngine, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TriggerKey, TopicSubscription> _subscriptions = [];
    private readonly List<Task> _stopping = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly NatsConnection _connection;
    private readonly TopicSubscriptionServices _services;
    private readonly TriggerOptions _options;
    private readonly ILogger<NatsTopicRouter> _logger;

    public NatsTopicRouter(TriggerOptions options, TriggerDispatcher dispatcher, IFunctionInvoker invoker, TimeProvider time, ILogger<NatsTopicRouter> logger)
    {
        _options = options;
        _logger = logger;
        _connection = new NatsConnection(new NatsOpts
        {
            Url = options.NatsUrl ?? throw new InvalidOperationException("NATS triggers need a NATS URL"),
            Name = "faasd-triggers",
            RetryOnInitialConnect = true,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(250),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
        });
        _services = new TopicSubscriptionServices(_connection, dispatcher, invoker, time, logger);
        _connection.ConnectionDisconnected += (_, _) =>
        {
            Log.Disconnected(_logger, _options.NatsUrl!);
            return ValueTask.CompletedTask;
        };
        _connection.ConnectionOpened += (_, _) =>
        {
            Log.Connected(_logger, _options.NatsUrl!);
            return ValueTask.CompletedTask;
        };
    }

    public void Set(TriggerKey key, FunctionTriggers? triggers)
    {
        var wanted = triggers?.Topics;
        lock (_gate)
        {
            if (_subscriptions.TryGetValue(key, out var current))
            {
                if (wanted is not null && current.Trigger.Equals(wanted))
                {
                    return;
                }

                _subscriptions.Remove(key);
                _stopping.Add(current.StopAsync());
            }

            if (wanted is not null && !_shutdown.IsCancellationRequested)
            {
                _subscriptions[key] = new TopicSubscription(
                    key, wanted, wanted.Concurrency ?? _options.NatsConcurrency, _services, _shutdown.Token);
            }

            _stopping.RemoveAll(t => t.IsCompleted);
        }
    }

    public void Retain(IReadOnlySet<TriggerKey> present)
    {
        lock (_gate)
        {
            foreach (var key in _subscriptions.Keys.Where(k => !present.Contains(k)).ToList())
            {
                _stopping.Add(_subscriptions[key].StopAsync());
                _subscriptions.Remove(key);
            }
        }
    }

    public IReadOnlyList<TopicSubscriptionSnapshot> Snapshot()
    {
        lock (_gate)
        {
            var connected = _connection.ConnectionState == NatsConnectionState.Open;
            return _subscriptions.Values
                .SelectMany(s => s.Trigger.Subjects.Select(subject => new TopicSubscriptionSnapshot(s.Function, subject, s.QueueGroup, s.Trigger.Asynchronous, s.Concurrency, connected)))
                .OrderBy(s => s.Key.Namespace, StringComparer.Ordinal).ThenBy(s => s.Key.Name, StringComparer.Ordinal).ThenBy(s => s.Subject, StringComparer.Ordinal)
                .ToList();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _subscriptions.Values.Select(s => s.StopAsync()), .. _stopping];
            _subscriptions.Clear();
            _stopping.Clear();
        }

        await _shutdown.CancelAsync();
        await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _shutdown.Dispose();
        await _connection.DisposeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.NatsConnected, Level = LogLevel.Information, Message = "NATS: connected to {Url}")] public static partial void Connected(ILogger logger, string url);

        [LoggerMessage(EventId = LogEvents.NatsDisconnected, Level = LogLevel.Warning, Message = "NATS: disconnected from {Url}; reconnecting")] public static partial void Disconnected(ILogger logger, string url);
    }
}

/// <summary>A function's subscription to one subject, as <c>GET /system/triggers</c> shows it.</summary>
internal sealed record TopicSubscriptionSnapshot(TriggerKey Key, string Subject, string QueueGroup, bool Asynchronous, int Concurrency, bool Connected);
