namespace FaasD.Watchdog.Configuration;

/// <summary>The effective configuration, read once from the environment at start.</summary>
internal sealed record WatchdogOptions
{
    public WatchdogMode Mode { get; init; } = WatchdogMode.Streaming;

    /// <summary><c>fprocess</c> split on spaces: program then arguments.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>http mode only: where the forked process listens.</summary>
    public Uri? UpstreamUrl { get; init; }

    /// <summary>Response Content-Type; null in classic mode means "echo the request's".</summary>
    public string? ContentType { get; init; }

    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Zero means no limit.</summary>
    public TimeSpan ExecTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long health reports 503 before draining starts, so load balancers notice first.</summary>
    public TimeSpan HealthcheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    public int Port { get; init; } = 8080;

    /// <summary>Zero means unlimited.</summary>
    public int MaxInflight { get; init; }

    public bool PrefixLogs { get; init; } = true;

    public bool SuppressLock { get; init; }

    /// <summary>Classic mode: stderr joins stdout in the response instead of going to the log.</summary>
    public bool CombineOutput { get; init; } = true;

    /// <summary>Classic mode: pass request data as <c>Http_*</c> variables (always on in the other modes).</summary>
    public bool CgiHeaders { get; init; } = true;

    /// <summary>Classic mode: log each response body.</summary>
    public bool WriteDebug { get; init; }

    /// <summary>http mode: <c>/_/ready</c> asks the function at this path.</summary>
    public string? ReadyPath { get; init; }

    /// <summary>http mode: read the whole request body before proxying, so the upstream sees Content-Length.</summary>
    public bool BufferRequestBody { get; init; }

    public string LockFilePath { get; init; } = Path.Combine(Path.GetTempPath(), ".lock");
}
