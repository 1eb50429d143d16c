namespace FaasD.Queue.Dispatch;

/// <summary>
/// Runs deliveries from any backend, per function in arrival order and at most <c>max-inflight</c> at once.
/// <code>
///   Submit ──► lane(ns/name): FIFO ──pump──► running &lt; max-inflight ? ──► CallRunner ──► complete / retry later
///   SubmitAfter(delay) ─── timer ───┘                                                        │
///                                         a finished call pumps its lane again ◄─────────────┘
/// </code>
/// A call waiting for a retry takes no slot. Lanes are cheap and stay for the life of the daemon. Every change of
/// the calls held and not running (waiting or delayed, all lanes) is reported as <c>faasd_async_queue_depth</c>.
/// </summary>
internal sealed class CallDispatcher(CallRunner runner, FunctionQueueSettingsSource settings, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private int _disposed;
    private readonly Lock _queuedGate = new();
    private long _queued;

    public void Submit(ICallDelivery delivery)
    {
        var lane = LaneOf(delivery);
        lock (lane)
        {
            lane.Waiting.Enqueue(delivery);
        }

        QueuedChanged(1);
        Pump(lane);
    }

    /// <summary>Submits after a wait (retry backoff, or a retry time recovered from the log); counted as queued meanwhile.</summary>
    public void SubmitAfter(ICallDelivery delivery, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Submit(delivery);
            return;
        }

        var lane = LaneOf(delivery);
        Interlocked.Increment(ref lane.Delayed);
        QueuedChanged(1);
        Track(DelayThenSubmitAsync(lane, delivery, delay));
    }

    public IReadOnlyList<QueueDepth> Depth()
    {
        var depths = new List<QueueDepth>();
        foreach (var lane in _lanes.Values)
        {
            long queued;
            long running;
            lock (lane)
            {
                queued = lane.Waiting.Count + Volatile.Read(ref lane.Delayed);
                running = lane.Running;
            }

            if (queued > 0 || running > 0)
            {
                depths.Add(new QueueDepth(lane.Namespace, lane.Name, queued, running));
            }
        }

        return depths;
    }

    /// <summary>Stops starting calls, cancels the running ones and hands every held delivery back to its backend.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Keys).ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var lane in _lanes.Values)
        {
            ICallDelivery[] held;
            lock (lane)
            {
                held = [.. lane.Waiting];
                lane.Waiting.Clear();
            }

            QueuedChanged(-held.Length);

            foreach (var delivery in held)
            {
                await delivery.AbandonAsync(CancellationToken.None);
            }
        }

        _stopping.Dispose();
    }

    private async Task DelayThenSubmitAsync(Lane lane, ICallDelivery delivery, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, time, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref lane.Delayed);
            QueuedChanged(-1);
            await delivery.AbandonAsync(CancellationToken.None);
            return;
        }

        lock (lane)
        {
            lane.Waiting.Enqueue(delivery);
            Interlocked.Decrement(ref lane.Delayed);
        }

        Pump(lane);
    }

    private void Pump(Lane lane)
    {
        lock (lane)
        {
            if (lane.Pumping || lane.Waiting.Count == 0 || _stopping.IsCancellationRequested)
            {
                return;
            }

            lane.Pumping = true;
        }

        Track(PumpAsync(lane));
    }

    /// <summary>One pump per lane at a time: starts calls while the function has free slots.</summary>
    private async Task PumpAsync(Lane lane)
    {
        while (!_stopping.IsCancellationRequested)
        {
            FunctionQueueSettings limits;
            try
            {
                limits = await settings.GetAsync(lane.Namespace, lane.Name, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            ICallDelivery next;
            lock (lane)
            {
                if (lane.Waiting.Count == 0 || lane.Running >= limits.MaxInflight)
                {
                    lane.Pumping = false;
                    return;
                }

                next = lane.Waiting.Dequeue();
                lane.Running++;
            }

            QueuedChanged(-1);
            Track(RunAsync(lane, next));
        }

        lock (lane)
        {
            lane.Pumping = false;
        }
    }

    private async Task RunAsync(Lane lane, ICallDelivery delivery)
    {
        try
        {
            await runner.RunAsync(delivery, _stopping.Token);
        }
        finally
        {
            lock (lane)
            {
                lane.Running--;
            }

            Pump(lane);
        }
    }

    /// <summary>Calls held by the dispatcher and not running; the gauge follows every change.</summary>
    internal long Queued
    {
        get
        {
            lock (_queuedGate)
            {
                return _queued;
            }
        }
    }

    /// <summary>Under a lock so that concurrent changes cannot leave the gauge at an older value than the count.</summary>
    private void QueuedChanged(long delta)
    {
        lock (_queuedGate)
        {
            _queued += delta;
            FaasDMetrics.SetAsyncQueueDepth(_queued);
        }
    }

    private void Track(Task task)
    {
        _running[task] = true;
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private Lane LaneOf(ICallDelivery delivery) =>
        _lanes.GetOrAdd(delivery.Call.Key, static (_, call) => new Lane(call.Namespace, call.Name), delivery.Call);

    private sealed class Lane(string @namespace, string name)
    {
        public string Namespace { get; } = @namespace;
        public string Name { get; } = name;
        public Queue<ICallDelivery> Waiting { get; } = new();
        public int Running;
        public int Delayed;
        public bool Pumping;
    }
}
