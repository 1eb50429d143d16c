using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FaasD.Tests.Daemon;

/// <summary>One callback POST as received: its headers (first value each) and body.</summary>
internal sealed record ReceivedCallback(IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string CallId => Headers.GetValueOrDefault("X-Call-Id") ?? "";

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"callback without {name}");
}

/// <summary>An <c>X-Callback-Url</c> target on 127.0.0.1: Kestrel on a free port that records every POST.</summary>
internal sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedCallback> _received = new();

    private CallbackReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyCollection<ReceivedCallback> Received => _received;

    public static async Task<CallbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new CallbackReceiver(app);
        app.MapPost("/{**path}", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver._received.Enqueue(new ReceivedCallback(headers, body));
            context.Response.StatusCode = StatusCodes.Status200OK;
        });
        await app.StartAsync();
        var address = app.Urls.First();
        receiver.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/cb");
        return receiver;
    }

    /// <summary>Waits until a callback for every id has arrived (bounded), and returns them per id.</summary>
    public async Task<Dictionary<string, List<ReceivedCallback>>> WaitForAsync(IReadOnlyCollection<string> callIds, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var byId = _received.GroupBy(c => c.CallId).ToDictionary(g => g.Key, g => g.ToList());
            var missing = callIds.Count(id => !byId.ContainsKey(id));
            if (missing == 0)
            {
                return byId;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{missing} of {callIds.Count} callbacks did not arrive within {patience}");
            }

            await Task.Delay(100);
        }
    }

    public async Task<ReceivedCallback> WaitForAsync(string callId, TimeSpan? patience = null) =>
        (await WaitForAsync([callId], patience ?? TimeSpan.FromSeconds(60)))[callId][0];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
