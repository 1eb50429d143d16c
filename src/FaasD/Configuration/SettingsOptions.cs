using System.CommandLine.Parsing;
using FaasD.Shared;
using FaasD.Functions.Validation;

namespace FaasD.Configuration;

/// <summary>
/// The flags of `faasd up`. Each one falls back to a FAASD_* environment variable, then to the default,
/// so systemd units and containers can configure the daemon without a command line.
/// </summary>
public sealed class SettingsOptions
{
    private readonly List<(Option Option, string Env, string Default, string Help)> _table = [];

    public SettingsOptions()
    {
        var d = new DaemonSettings();
        Port = Add<int>("--port", "FAASD_PORT", d.Port.ToString(CultureInfo.InvariantCulture), "HTTP port of the gateway (OpenFaaS API and function invocations).", int.Parse);
        BindAddress = Add<string>("--bind", "FAASD_BIND", d.BindAddress, "Address the gateway listens on.", s => s);
        StateDir = Add<string>("--state-dir", "FAASD_STATE_DIR", d.StateDir, "Where secrets, logs and basic-auth credentials live (network attachments are kept in /var/run/faasd/network, cleared by a reboot like CNI's own state).", s => s);
        ContainerdSocket = Add<string>("--containerd-socket", "FAASD_CONTAINERD_SOCKET", d.ContainerdSocket, "containerd's gRPC socket.", s => s);
        CniConfDir = Add<string>("--cni-conf-dir", "FAASD_CNI_CONF_DIR", d.CniConfDir, "Directory of 10-openfaas.conflist (the built-in openfaas0 bridge config is used when the file is absent).", s => s);
        CniBinDir = Add<string>("--cni-bin-dir", "FAASD_CNI_BIN_DIR", string.Join(':', d.CniBinDirs), "CNI plugin directories, searched in order (colon-separated).", s => s);
        Snapshotter = Add<string>("--snapshotter", "FAASD_SNAPSHOTTER", d.Snapshotter, "containerd snapshotter used to unpack images.", s => s);
        DockerConfig = Add<string>("--docker-config", "FAASD_DOCKER_CONFIG", d.DockerConfig, "docker config.json with registry credentials.", s => s);
        Insecure = Add<string>("--insecure-registries", "FAASD_INSECURE_REGISTRIES", string.Empty, "Comma-separated registries reached over plain HTTP (localhost and 127.0.0.1 always are).", s => s);
        ReadinessTimeout = Add<TimeSpan>("--readiness-timeout", "FAASD_READINESS_TIMEOUT", "30s", "How long a deploy waits for the function to accept connections on :8080.", ParseDuration);
        UpstreamTimeout = Add<TimeSpan>("--upstream-timeout", "FAASD_UPSTREAM_TIMEOUT", "60s", "Longest a function invocation may take.", ParseDuration);
        StopGrace = Add<TimeSpan>("--stop-grace-period", "FAASD_STOP_GRACE_PERIOD", "10s", "SIGTERM-to-SIGKILL grace when a function is removed or replaced.", ParseDuration);
        ScaleToZero = Add<bool>("--scale-to-zero", "FAASD_SCALE_TO_ZERO", "false", "Freeze idle functions by default (label com.openfaas.scale.zero overrides per function).", bool.Parse);
        ScaleToZeroIdle = Add<TimeSpan>("--scale-to-zero-idle", "FAASD_SCALE_TO_ZERO_IDLE", "5m", "Idle time before a function is frozen (label com.openfaas.scale.zero-duration overrides).", ParseDuration);
        ScaleToZeroStopAfter = Add<string>("--scale-to-zero-stop-after", "FAASD_SCALE_TO_ZERO_STOP_AFTER", string.Empty, "Frozen this long, a function's task is stopped to return its memory (empty: never; label com.openfaas.scale.zero-stop-after overrides).", s => s);
        WakeQueue = Add<int>("--wake-queue-length", "FAASD_WAKE_QUEUE_LENGTH", d.WakeQueueLength.ToString(CultureInfo.InvariantCulture), "Requests that may wait for one function to wake; more get 503.", int.Parse);
        WakeTimeout = Add<TimeSpan>("--wake-timeout", "FAASD_WAKE_TIMEOUT", "30s", "Longest a request waits for a function to wake; then 504.", ParseDuration);
        ComposeFile = Add<string>("--compose-file", "FAASD_COMPOSE_FILE", d.ComposeFile, "Stateful services to run beside the functions (relative to the state directory; absent: none).", s => s);
        StopServices = Add<bool>("--stop-services-on-shutdown", "FAASD_STOP_SERVICES_ON_SHUTDOWN", "false", "Stop compose services (in reverse dependency order) when the daemon stops; by default they keep running like functions.", bool.Parse);
        LogLevel = Add<string>("--log-level", "FAASD_LOG_LEVEL", d.LogLevel, "Daemon log level: Debug, Information, Warning, Error.", s => s);
        NetnsPoolSize = Add<int>("--netns-pool-size", "FAASD_NETNS_POOL_SIZE", d.NetnsPoolSize.ToString(CultureInfo.InvariantCulture), "Network namespaces kept attached to the bridge in advance, so a cold start or deploy skips CNI ADD (0: off).", ParseSmallCount);
        MetricsPort = Add<int>("--metrics-port", "FAASD_METRICS_PORT", d.MetricsPort.ToString(CultureInfo.InvariantCulture), "Port of the Prometheus /metrics listener (same bind address as the gateway; 0 disables it).", ParseOptionalPort);
        NatsUrl = Add<string>("--nats-url", "FAASD_NATS_URL", string.Empty, "NATS server for topic triggers, e.g. nats://127.0.0.1:4222 (functions annotated topic: <subject> are invoked per message; empty: off).", ParseNatsUrl);
        NatsConcurrency = Add<int>("--nats-concurrency", "FAASD_NATS_CONCURRENCY", d.NatsConcurrency.ToString(CultureInfo.InvariantCulture), "NATS messages one function subscription handles at once (annotation faasd.topic.concurrency overrides).", ParsePositive);
        Queue = Add<string>("--queue", "FAASD_QUEUE", d.Queue, "Async invocation queue: `embedded` (durable log under the state directory) or NATS JetStream URLs `nats://host:4222[,…]`.", ParseQueue);
        QueueMaxBody = Add<long>("--queue-max-body", "FAASD_QUEUE_MAX_BODY", d.QueueMaxBody.ToString(CultureInfo.InvariantCulture), "Largest request body of an async call, in bytes; larger → 413.", ParsePositiveLong);
        QueueMaxSize = Add<int>("--queue-max-size", "FAASD_QUEUE_MAX_SIZE", d.QueueMaxSize.ToString(CultureInfo.InvariantCulture), "Async calls queued or running at most; more → 429.", ParsePositiveInt);
        QueueMaxInflight = Add<int>("--queue-max-inflight", "FAASD_QUEUE_MAX_INFLIGHT", d.QueueMaxInflight.ToString(CultureInfo.InvariantCulture), "Async calls of one function run at once (label com.openfaas.queue.max-inflight overrides).", ParsePositiveInt);
        QueueAckWait = Add<TimeSpan>("--queue-ack-wait", "FAASD_QUEUE_ACK_WAIT", "60s", "JetStream: a call held by a daemon that stops answering is given to another after this (kept alive while it runs).", ParseDuration);
        MaxApiBody = Add<long>("--max-api-body-size", "FAASD_MAX_API_BODY_SIZE", "4Mi", "Largest JSON body accepted on /system/* (larger: 413).", ParseSize);
        MaxHeaderSize = Add<long>("--max-request-header-size", "FAASD_MAX_REQUEST_HEADER_SIZE", "32Ki", "Largest total of request headers Kestrel accepts (larger: 431).", ParseSize);
        ImageGc = Add<bool>("--image-gc", "FAASD_IMAGE_GC", "true", "Remove unused images (with content and snapshots) after containers are deleted and when the disk fills.", bool.Parse);
        ImageGcHigh = Add<int>("--image-gc-high-threshold", "FAASD_IMAGE_GC_HIGH_THRESHOLD", "85", "Disk use (percent) of containerd's root that triggers a prune of unused images, least recently pulled first, until below the low threshold.", ParsePercent);
        ImageGcLow = Add<int>("--image-gc-low-threshold", "FAASD_IMAGE_GC_LOW_THRESHOLD", "80", "Disk use (percent) a prune aims below; still above it afterwards is logged as a warning.", ParsePercent);
        ImageGcMinAge = Add<TimeSpan>("--image-gc-min-age", "FAASD_IMAGE_GC_MIN_AGE", "2m", "Unused images pulled more recently than this are kept by image GC (a deploy pulls its image before it creates the container).", ParseDuration);
        ContainerdRoot = Add<string>("--containerd-root", "FAASD_CONTAINERD_ROOT", d.ContainerdRoot, "containerd's root directory: where image GC measures disk use.", s => s);
        HeadersTimeout = Add<TimeSpan>("--request-headers-timeout", "FAASD_REQUEST_HEADERS_TIMEOUT", "15s", "A client must send all request headers within this time, or the connection is closed (slow-client guard).", ParseDuration);
        Autoscale = Add<bool>("--autoscale", "FAASD_AUTOSCALE", "true", "Scale functions that carry com.openfaas.scale.type, .target or .max labels by their load (rps, capacity, cpu).", bool.Parse);
        ScaleDownWindow = Add<TimeSpan>("--scale-down-window", "FAASD_SCALE_DOWN_WINDOW", "1m", "How long load must stay low before the autoscaler removes replicas (label com.openfaas.scale.down-window overrides).", ParseDuration);
        MemoryTrimInterval = Add<TimeSpan>("--memory-trim-interval", "FAASD_MEMORY_TRIM_INTERVAL", "10s", "How often the daemon checks whether a burst of work (deploys, scaling, load) is over; then it returns the memory the burst left behind to the system (0: never).", ParseDuration);
        SharedShims = Add<int>("--shared-shims", "FAASD_SHARED_SHIMS", d.SharedShims.ToString(CultureInfo.InvariantCulture), "Function tasks of a namespace share this many containerd shim processes, each function always the same one, instead of a shim each (≈ 3 MB of memory per function saved, and a cold start skips the shim's start when its shim is up); applies to functions deployed from then on (0: a shim per task).", ParseSmallCount);
        LivenessInterval = Add<TimeSpan>("--liveness-interval", "FAASD_LIVENESS_INTERVAL", "2s", "Time between liveness probes of replicas whose function has the com.openfaas.health.http.path annotation (3 failures in a row replace the replica).", ParseDuration);
    }

    public Option<int> Port { get; }
    public Option<string> BindAddress { get; }
    public Option<string> StateDir { get; }
    public Option<string> ContainerdSocket { get; }
    public Option<string> CniConfDir { get; }
    public Option<string> CniBinDir { get; }
    public Option<string> Snapshotter { get; }
    public Option<string> DockerConfig { get; }
    public Option<string> Insecure { get; }
    public Option<TimeSpan> ReadinessTimeout { get; }
    public Option<TimeSpan> UpstreamTimeout { get; }
    public Option<TimeSpan> MemoryTrimInterval { get; }
    public Option<TimeSpan> StopGrace { get; }
    public Option<bool> ScaleToZero { get; }
    public Option<TimeSpan> ScaleToZeroIdle { get; }
    public Option<string> ScaleToZeroStopAfter { get; }
    public Option<int> WakeQueue { get; }
    public Option<TimeSpan> WakeTimeout { get; }
    public Option<string> ComposeFile { get; }
    public Option<bool> StopServices { get; }
    public Option<string> LogLevel { get; }
    public Option<int> NetnsPoolSize { get; }
    public Option<int> MetricsPort { get; }
    public Option<string> NatsUrl { get; }
    public Option<int> NatsConcurrency { get; }
    public Option<string> Queue { get; }
    public Option<long> QueueMaxBody { get; }
    public Option<int> QueueMaxSize { get; }
    public Option<int> QueueMaxInflight { get; }
    public Option<TimeSpan> QueueAckWait { get; }
    public Option<long> MaxApiBody { get; }
    public Option<long> MaxHeaderSize { get; }
    public Option<TimeSpan> HeadersTimeout { get; }
    public Option<bool> ImageGc { get; }
    public Option<int> ImageGcHigh { get; }
    public Option<int> ImageGcLow { get; }
    public Option<TimeSpan> ImageGcMinAge { get; }
    public Option<string> ContainerdRoot { get; }
    public Option<bool> Autoscale { get; }
    public Option<int> SharedShims { get; }
    public Option<TimeSpan> ScaleDownWindow { get; }
    public Option<TimeSpan> LivenessInterval { get; }

    public IEnumerable<Option> All => _table.Select(row => row.Option);

    /// <summary>Rows for the README's configuration table and `faasd config`: flag, env, default, meaning.</summary>
    public IEnumerable<(string Flag, string Env, string Default, string Help)> Describe() =>
        _table.Select(row => (row.Option.Name, row.Env, row.Default, row.Help));

    public DaemonSettings Bind(ParseResult result)
    {
        var stateDir = result.GetValue(StateDir)!;
        var stopAfter = result.GetValue(ScaleToZeroStopAfter);
        return new DaemonSettings
        {
            Port = result.GetValue(Port),
            BindAddress = result.GetValue(BindAddress)!,
            StateDir = stateDir,
            ContainerdSocket = result.GetValue(ContainerdSocket)!,
            CniConfDir = result.GetValue(CniConfDir)!,
            CniBinDirs = result.GetValue(CniBinDir)!.Split(':', StringSplitOptions.RemoveEmptyEntries),
            Snapshotter = result.GetValue(Snapshotter)!,
            DockerConfig = result.GetValue(DockerConfig)!,
            InsecureRegistries = result.GetValue(Insecure)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ReadinessTimeout = result.GetValue(ReadinessTimeout),
            UpstreamTimeout = result.GetValue(UpstreamTimeout),
            StopGracePeriod = result.GetValue(StopGrace),
            ScaleToZero = result.GetValue(ScaleToZero),
            ScaleToZeroIdle = result.GetValue(ScaleToZeroIdle),
            ScaleToZeroStopAfter = string.IsNullOrWhiteSpace(stopAfter) ? null : ParseDuration(stopAfter),
            WakeQueueLength = result.GetValue(WakeQueue),
            WakeTimeout = result.GetValue(WakeTimeout),
            LogLevel = result.GetValue(LogLevel)!,
            ComposeFile = result.GetValue(ComposeFile)!,
            StopServicesOnShutdown = result.GetValue(StopServices),
            NetnsPoolSize = result.GetValue(NetnsPoolSize),
            MetricsPort = result.GetValue(MetricsPort),
            NatsUrl = string.IsNullOrWhiteSpace(result.GetValue(NatsUrl)) ? null : result.GetValue(NatsUrl)!.Trim(),
            NatsConcurrency = result.GetValue(NatsConcurrency),
            Queue = result.GetValue(Queue)!,
            QueueMaxBody = result.GetValue(QueueMaxBody),
            QueueMaxSize = result.GetValue(QueueMaxSize),
            QueueMaxInflight = result.GetValue(QueueMaxInflight),
            QueueAckWait = result.GetValue(QueueAckWait),
            MaxApiBodySize = result.GetValue(MaxApiBody),
            MaxRequestHeaderSize = result.GetValue(MaxHeaderSize),
            RequestHeadersTimeout = result.GetValue(HeadersTimeout),
            ImageGc = result.GetValue(ImageGc),
            ImageGcHighThreshold = result.GetValue(ImageGcHigh),
            ImageGcLowThreshold = result.GetValue(ImageGcLow),
            ImageGcMinAge = result.GetValue(ImageGcMinAge),
            ContainerdRoot = result.GetValue(ContainerdRoot)!,
            Autoscale = result.GetValue(Autoscale),
            SharedShims = result.GetValue(SharedShims),
            ScaleDownWindow = result.GetValue(ScaleDownWindow),
            LivenessInterval = result.GetValue(LivenessInterval),
            MemoryTrimInterval = result.GetValue(MemoryTrimInterval),
        };
    }

    private static int ParseOptionalPort(string text) =>
        int.Parse(text, CultureInfo.InvariantCulture) is var port and >= 0 and <= 65535
            ? port
            : throw new FormatException("use a port between 1 and 65535, or 0 to disable");

    private static TimeSpan ParseDuration(string text) =>
        GoDuration.TryParse(text, out var value) && value >= TimeSpan.Zero
            ? value
            : throw new FormatException("use a duration such as 30s, 5m or 1h30m");

    private static int ParseSmallCount(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size <= 64
            ? size
            : throw new FormatException("use a whole number from 0 to 64");

    /// <summary>Empty, or comma-separated nats://, tls://, ws:// or wss:// URLs with a host.</summary>
    private static string ParseNatsUrl(string text)
    {
        foreach (var url in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss") || uri.Host.Length == 0)
            {
                throw new FormatException("use nats://host:port (several: comma-separated)");
            }
        }

        return text;
    }

    private static int ParsePositive(string text) =>
        int.Parse(text, CultureInfo.InvariantCulture) is var value and > 0 ? value : throw new FormatException("use a whole number of 1 or more");
    private static string ParseQueue(string text) =>
        FaasD.Queue.AsyncQueueOptions.Validate(text) is { } problem ? throw new FormatException(problem) : text;
    private static long ParsePositiveLong(string text) =>
        long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) is > 0 and var value ? value : throw new FormatException("must be positive");
    private static int ParsePositiveInt(string text) =>
        int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) is > 0 and var value ? value : throw new FormatException("must be positive");

    private static int ParsePercent(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 100
            ? value
            : throw new FormatException("use a percentage from 1 to 100");

    /// <summary>A byte size as a quantity: 4Mi, 32Ki, 1000000.</summary>
    private static long ParseSize(string text)
    {
        try
        {
            return Quantity.ParseMemoryBytes(text);
        }
        catch (FaasD.Functions.Abstractions.FunctionPlatformException)
        {
            throw new FormatException("use a size such as 32Ki, 4Mi or 1048576");
        }
    }

    private Option<T> Add<T>(string flag, string env, string fallback, string help, Func<string, T> parse)
    {
        T ParseOrReport(string token, ArgumentResult arg)
        {
            try
            {
                return parse(token);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                arg.AddError($"{flag} / {env}: invalid value \"{token}\": {ex.Message}");
                return default!;
            }
        }

        var option = new Option<T>(flag)
        {
            Description = $"{help} [env {env}, default {(fallback.Length == 0 ? "none" : fallback)}]",
            DefaultValueFactory = arg => ParseOrReport(Environment.GetEnvironmentVariable(env) is { Length: > 0 } fromEnv ? fromEnv : fallback, arg),
            CustomParser = arg => ParseOrReport(arg.Tokens.Count > 0 ? arg.Tokens[^1].Value : fallback, arg),
        };
        _table.Add((option, env, fallback, help));
        return option;
    }
}
