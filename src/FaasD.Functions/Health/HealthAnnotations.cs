namespace FaasD.Functions.Health;

/// <summary>OpenFaaS's health annotations (events-scaling-observability.md §3) and the watchdogs' own paths.</summary>
public static class HealthAnnotations
{
    /// <summary>Readiness path probed after the port accepts; without it the watchdogs' <see cref="DefaultReadyPath"/>.</summary>
    public const string ReadyPath = "com.openfaas.ready.http.path";

    /// <summary>Liveness path probed while the replica serves; without it there is no liveness probe.</summary>
    public const string LivenessPath = "com.openfaas.health.http.path";

    /// <summary>Go duration after a replica became ready before liveness probes count.</summary>
    public const string LivenessInitialDelay = "com.openfaas.health.http.initialDelay";

    /// <summary>Answered by the classic watchdog and of-watchdog (and ours) once the function can take requests.</summary>
    public const string DefaultReadyPath = "/_/health";

    public static string ReadyPathOf(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is not null && annotations.TryGetValue(ReadyPath, out var path) && IsPath(path) ? path : DefaultReadyPath;

    public static string? LivenessPathOf(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is not null && annotations.TryGetValue(LivenessPath, out var path) && IsPath(path) ? path : null;

    /// <summary>A path fit to append to http://ip:port: starts with a slash, no spaces.</summary>
    public static bool IsPath(string? path) =>
        !string.IsNullOrEmpty(path) && path[0] == '/' && !path.Any(char.IsWhiteSpace);
}
