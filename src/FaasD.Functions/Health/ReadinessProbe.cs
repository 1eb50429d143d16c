namespace FaasD.Functions.Health;

/// <summary>
/// A replica is ready once its port accepts (<see cref="Deployment.PortProbe"/>) and, where the function answers
/// it, its readiness path returns 2xx. A 404, 405 or 501 means the function has no such endpoint (busybox httpd,
/// a plain HTTP server): the open port is all it offers. Anything else (503 while the watchdog starts, 429 while it
/// is saturated, no answer) is asked again until the timeout.
/// </summary>
internal static class ReadinessProbe
{
    public static async Task WaitUntilReadyAsync(string destination, string path, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(2);
        HttpStatusCode? last = null;
        while (true)
        {
            var remaining = timeout - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{destination}{path} did not answer 2xx within {timeout.TotalSeconds:0.#}s (last: {(last is { } code ? ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer")})");
            }

            last = await ProbeClient.GetStatusAsync(destination, path, Min(remaining, TimeSpan.FromSeconds(2)), cancellationToken);
            if (last is { } status && (IsSuccess(status) || IsNotAnswered(status)))
            {
                return;
            }

            await Task.Delay(Min(delay, remaining), time, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
        }
    }

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    /// <summary>The function does not serve the path at all.</summary>
    public static bool IsNotAnswered(HttpStatusCode status) =>
        status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
