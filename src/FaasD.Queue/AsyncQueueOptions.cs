namespace FaasD.Queue;

/// <summary>How the async queue stores calls and how its workers run them. The host fills these from `faasd up` settings.</summary>
public sealed class AsyncQueueOptions
{
    /// <summary><c>embedded</c> (a durable log under <see cref="Directory"/>) or NATS URLs: <c>nats://host:4222[,nats://…]</c>.</summary>
    public string Backend { get; set; } = "embedded";

    /// <summary>Where the embedded log keeps its segments (the daemon uses <c>&lt;state dir&gt;/queue</c>).</summary>
    public string Directory { get; set; } = "/var/lib/faasd/queue";

    /// <summary>Calls accepted and not yet finished; one more is refused with 429.</summary>
    public int MaxQueued { get; set; } = 100_000;

    /// <summary>Calls of one function running at once, unless its label <c>com.openfaas.queue.max-inflight</c> says otherwise.</summary>
    public int DefaultMaxInflight { get; set; } = 1;

    /// <summary>JetStream: how long a delivered call may go unacknowledged before another worker gets it (heartbeats extend it while it runs).</summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Namespace whose functions are named without a suffix in <c>X-Function-Name</c>.</summary>
    public string DefaultNamespace { get; set; } = "openfaas-fn";

    /// <summary>Attempts of one callback POST (the first included) before it is given up and logged.</summary>
    public int CallbackAttempts { get; set; } = 3;

    /// <summary>Largest embedded log segment before a new one is started (old ones are deleted once all their calls are done).</summary>
    public long SegmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>JetStream stream name (subjects <c>&lt;prefix&gt;.&lt;namespace&gt;.&lt;function&gt;</c>).</summary>
    public string StreamName { get; set; } = "FAASD_ASYNC";

    public string SubjectPrefix { get; set; } = "faasd.async";

    /// <summary>The durable pull consumer every daemon on the stream shares, so each call goes to one of them.</summary>
    public string ConsumerName { get; set; } = "faasd-workers";

    /// <summary>Longest one JetStream connect (connection, stream and consumer set-up) may take before it is tried again.</summary>
    public TimeSpan ConnectAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal bool IsJetStream => Backend.StartsWith("nats://", StringComparison.OrdinalIgnoreCase) || Backend.StartsWith("tls://", StringComparison.OrdinalIgnoreCase);

    /// <summary>A one-line reason the backend value is unusable, or null.</summary>
    public static string? Validate(string backend)
    {
        if (string.Equals(backend, "embedded", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var url in backend.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls") || string.IsNullOrEmpty(uri.Host))
            {
                return $"\"{url}\" is neither `embedded` nor a nats://host:port URL";
            }
        }

        return null;
    }
}
