namespace FaasD.Queue.Dispatch;

/// <summary>
/// One call handed to the workers by a backend, with the backend's way to finish it. The embedded log writes an
/// ack or an attempt record; JetStream acks, or naks with a delay so any daemon on the stream retries it.
/// </summary>
internal interface ICallDelivery
{
    QueuedCall Call { get; }

    /// <summary>Attempts already made before this delivery (0 for a new call).</summary>
    int AttemptsMade { get; }

    /// <summary>The call is done for good (it succeeded, failed for good or ran out of attempts; the callback was sent).</summary>
    Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>The attempt failed with a retryable status: run the call again after <paramref name="delay"/>.</summary>
    Task RetryLaterAsync(int attemptsMade, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>The daemon stops before the call finished: hand it back without counting an attempt.</summary>
    Task AbandonAsync(CancellationToken cancellationToken);
}
