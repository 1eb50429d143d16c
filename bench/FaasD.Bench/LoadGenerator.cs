using System.Diagnostics;
using System.Net;

namespace FaasD.Bench;

/// <summary>What one closed-loop run measured.</summary>
internal sealed record LoadResult(string Target, int Concurrency, double Seconds, long Requests, long Errors, LatencyStats Latency)
{
    /// <summary>The machine's 1-minute load average when the run ended (other work on the VM skews the figures).</summary>
    public string LoadAverage { get; } = File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public double RequestsPerSecond => Seconds > 0 ? Requests / Seconds : 0;
}

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers each send the next request as soon as the previous one
/// is answered, for a fixed time. Only successful (200) answers count toward latency and req/s.
/// </summary>
internal static class LoadGenerator
{
    /// <summary>One tuned handler per run, the same for direct and gateway targets so only the path differs.</summary>
    public static HttpClient CreateClient(int concurrency) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = Math.Max(concurrency * 2, 4),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static async Task<LoadResult> RunAsync(
        string target,
        Uri url,
        HttpMethod method,
        byte[]? body,
        int concurrency,
        TimeSpan duration,
        TimeSpan warmup,
        CancellationToken cancellationToken)
    {
        using var client = CreateClient(concurrency);
        if (warmup > TimeSpan.Zero)
        {
            await RunWorkersAsync(client, url, method, body, concurrency, warmup, cancellationToken);
        }

        var (seconds, samples, errors) = await RunWorkersAsync(client, url, method, body, concurrency, duration, cancellationToken);
        return new LoadResult(target, concurrency, seconds, samples.Count, errors, LatencyStats.Of(samples));
    }

    /// <summary>Times one request (headers and body read) in milliseconds; throws on a status other than 200.</summary>
    public static async Task<double> TimeOneAsync(HttpClient client, Uri url, HttpMethod method, byte[]? body, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await SendAsync(client, url, method, body, cancellationToken);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task<(double Seconds, List<double> Samples, long Errors)> RunWorkersAsync(
        HttpClient client, Uri url, HttpMethod method, byte[]? body, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var perWorker = new List<double>[concurrency];
        long errors = 0;
        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            var samples = perWorker[i] = new List<double>(capacity: 1 << 14);
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await SendAsync(client, url, method, body, cancellationToken);
                    samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception ex) when (ex is HttpRequestException or BenchException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        cancellationToken.ThrowIfCancellationRequested();
        return (clock.Elapsed.TotalSeconds, perWorker.SelectMany(s => s).ToList(), errors);
    }

    private static async Task SendAsync(HttpClient client, Uri url, HttpMethod method, byte[]? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchException($"{method} {url} answered {(int)response.StatusCode}");
        }
    }
}

internal sealed class BenchException(string message) : Exception(message);
