using FaasD.Shared;

namespace FaasD.Watchdog.Configuration;

/// <summary>
/// Reads the upstream watchdogs' environment variables (names, aliases and defaults as in of-watchdog and
/// the classic watchdog). Every bad value is an <see cref="InvalidConfigurationException"/> naming the variable.
/// </summary>
internal static class WatchdogOptionsReader
{
    private const string DefaultContentType = "application/octet-stream";

    public static WatchdogOptions Read(Func<string, string?> getEnvironmentVariable)
    {
        string? Get(string name) => getEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

        var mode = ParseMode(Get("mode"));
        // Later names win, as upstream: fprocess over function_process, upstream_url over http_upstream_url.
        var process = Get("fprocess") ?? Get("function_process");
        if (process is null)
        {
            throw new InvalidConfigurationException("fprocess (or function_process) must be set to the command to run");
        }

        var writeTimeout = Duration(Get, "write_timeout", TimeSpan.FromSeconds(30));
        if (writeTimeout <= TimeSpan.Zero)
        {
            throw new InvalidConfigurationException("write_timeout must be greater than zero");
        }

        return new WatchdogOptions
        {
            Mode = mode,
            Command = process.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            UpstreamUrl = mode == WatchdogMode.Http ? ParseUpstream(Get("upstream_url") ?? Get("http_upstream_url")) : null,
            ContentType = Get("content_type") ?? (mode == WatchdogMode.Classic ? null : DefaultContentType),
            ReadTimeout = Duration(Get, "read_timeout", TimeSpan.FromSeconds(30)),
            WriteTimeout = writeTimeout,
            // The classic watchdog never kills unless asked; of-watchdog defaults to a limit.
            ExecTimeout = Duration(Get, "exec_timeout", mode == WatchdogMode.Classic ? TimeSpan.Zero : TimeSpan.FromSeconds(30)),
            HealthcheckInterval = Duration(Get, "healthcheck_interval", writeTimeout),
            Port = Integer(Get, "port", 8080, 1, 65535),
            MaxInflight = Integer(Get, "max_inflight", 0, 0, int.MaxValue),
            PrefixLogs = Boolean(Get, "prefix_logs", true),
            SuppressLock = Boolean(Get, "suppress_lock", false),
            CombineOutput = Boolean(Get, "combine_output", true),
            CgiHeaders = Boolean(Get, "cgi_headers", true),
            WriteDebug = Boolean(Get, "write_debug", false),
            ReadyPath = ParseReadyPath(Get("ready_path")),
            BufferRequestBody = Boolean(Get, "buffer_http", false) || Boolean(Get, "http_buffer_req_body", false),
            LockFilePath = Path.Combine(Path.GetTempPath(), ".lock"),
        };
    }

    private static WatchdogMode ParseMode(string? value) => value switch
    {
        // Unset follows of-watchdog, whose templates set no mode and expect streaming.
        null or "streaming" => WatchdogMode.Streaming,
        "serializing" => WatchdogMode.Serializing,
        "classic" => WatchdogMode.Classic,
        "http" => WatchdogMode.Http,
        "static" or "inproc" or "afterburn" =>
            throw new InvalidConfigurationException($"mode '{value}' is not supported by this watchdog (use streaming, serializing, classic or http)"),
        _ => throw new InvalidConfigurationException($"mode '{value}' is unknown (use streaming, serializing, classic or http)"),
    };

    private static Uri ParseUpstream(string? value)
    {
        if (value is null)
        {
            throw new InvalidConfigurationException("mode http needs upstream_url, e.g. http://127.0.0.1:5000");
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidConfigurationException($"upstream_url '{value}' is not an absolute http:// URL");
        }

        return uri;
    }

    private static string? ParseReadyPath(string? value) => value switch
    {
        null => null,
        ['/', ..] => value,
        _ => throw new InvalidConfigurationException($"ready_path '{value}' must start with '/'"),
    };

    private static TimeSpan Duration(Func<string, string?> get, string name, TimeSpan fallback)
    {
        var value = get(name);
        if (value is null)
        {
            return fallback;
        }

        return GoDuration.TryParseTimeout(value, out var parsed)
            ? parsed
            : throw new InvalidConfigurationException($"{name} '{value}' is not a duration (seconds like 30, or Go syntax like 10s, 1m30s, 500ms)");
    }

    private static int Integer(Func<string, string?> get, string name, int fallback, int min, int max)
    {
        var value = get(name);
        if (value is null)
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max
            ? parsed
            : throw new InvalidConfigurationException($"{name} '{value}' must be a whole number from {min} to {max}");
    }

    private static bool Boolean(Func<string, string?> get, string name, bool fallback) => get(name)?.ToUpperInvariant() switch
    {
        null => fallback,
        "TRUE" or "1" => true,
        "FALSE" or "0" => false,
        _ => throw new InvalidConfigurationException($"{name} '{get(name)}' must be true or false"),
    };
}
