namespace FaasD.Watchdog.Configuration;

/// <summary>How a request reaches the function process; chosen by the <c>mode</c> environment variable.</summary>
internal enum WatchdogMode
{
    /// <summary>of-watchdog default: fork per request, body to stdin, stdout streamed back as it is written.</summary>
    Streaming,

    /// <summary>of-watchdog: fork per request, stdout buffered, 200 or 500 with <c>X-Duration-Seconds</c>.</summary>
    Serializing,

    /// <summary>The classic watchdog: fork per request, buffered, 408 on exec timeout, CGI extras, no <c>/_/ready</c>.</summary>
    Classic,

    /// <summary>of-watchdog: fork once and reverse-proxy every request to <c>upstream_url</c>.</summary>
    Http,
}
