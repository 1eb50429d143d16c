using System.Diagnostics;
using System.Net;

namespace FaasD.Runtime.Tests.Lifecycle;

/// <summary>Plain HTTP GETs to a container's :8080, each on a new connection so a frozen server cannot hide behind a pooled one.</summary>
internal static class FunctionHttp
{
    private static readonly HttpClient s_client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(1),
        UseProxy = false,
    });

    /// <summary>The body, or null when nothing answered within <paramref name="timeout"/>.</summary>
    public static async Task<string?> TryGetAsync(IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{address}:8080/");
            request.Headers.ConnectionClose = true;
            using var response = await s_client.SendAsync(request, deadline.Token);
            return await response.Content.ReadAsStringAsync(deadline.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Polls until the server answers; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task<string> WaitForAnswerAsync(IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await TryGetAsync(address, TimeSpan.FromSeconds(1), cancellationToken) is { } body)
            {
                return body;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }

        throw new TimeoutException($"http://{address}:8080/ did not answer within {timeout}");
    }
}
