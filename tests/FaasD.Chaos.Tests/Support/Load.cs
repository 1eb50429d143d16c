using System.Collections.Concurrent;

namespace FaasD.Chaos.Tests.Support;

/// <summary>Constant load: <c>concurrency</c> callers invoking random functions until stopped; counts what came back.</summary>
internal sealed class Load : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers;
    private readonly HttpClient _client;

    public Load(Uri baseAddress, IReadOnlyList<string> functions, int concurrency)
    {
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(10),
        };
        _workers = [.. Enumerable.Range(0, concurrency).Select(i => Task.Run(() => RunAsync(functions, i)))];
    }

    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    private async Task RunAsync(IReadOnlyList<string> functions, int seed)
    {
        var random = new Random(seed);
        while (!_stop.IsCancellationRequested)
        {
            int status;
            try
            {
                using var response = await _client.GetAsync($"/function/{functions[random.Next(functions.Count)]}", _stop.Token);
                status = (int)response.StatusCode;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                status = 0; // daemon down mid-cycle: expected, counted
                await Task.Delay(50);
            }

            Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        }
    }

    public string Summary() => string.Join(", ", Statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _client.Dispose();
        _stop.Dispose();
    }
}
