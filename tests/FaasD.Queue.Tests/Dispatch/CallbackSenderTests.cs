using FaasD.Invocation;
using FaasD.Queue.Dispatch;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FaasD.Queue.Model;
using FaasD.Queue.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace FaasD.Queue.Tests.Dispatch;

internal sealed class CallbackSenderTests
{
    [Test]
    public async Task The_callback_carries_the_functions_body_and_headers_plus_pros_headers()
    {
        using var sender = new CallbackSender(Options.Create(new AsyncQueueOptions()), TimeProvider.System, NullLogger<CallbackSender>.Instance);
        var call = new QueuedCall { CallId = "c-1", Namespace = "team", Name = "fn", CallbackUrl = "http://127.0.0.1:9/cb" };
        var response = new InvocationResponse
        {
            StatusCode = 201,
            Headers = [new("Content-Type", "application/json"), new("X-Custom", "v"), new("Content-Length", "2"), new("X-Call-Id", "spoofed")],
            Body = "{}"u8.ToArray(),
        };

        using var request = sender.Build(call, response, attempts: 3, maxAttempts: 10, TimeSpan.FromMilliseconds(1500));

        Assert.That(request.Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(request.RequestUri, Is.EqualTo(new Uri("http://127.0.0.1:9/cb")));
        Assert.That(await request.Content!.ReadAsStringAsync(), Is.EqualTo("{}"));
        Assert.That(request.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        Assert.That(request.Headers.GetValues("X-Custom"), Is.EqualTo(new[] { "v" }));
        Assert.That(request.Headers.GetValues("X-Call-Id"), Is.EqualTo(new[] { "c-1" }));
        Assert.That(request.Headers.GetValues("X-Function-Status"), Is.EqualTo(new[] { "201" }));
        Assert.That(request.Headers.GetValues("X-Function-Name"), Is.EqualTo(new[] { "fn.team" }));
        Assert.That(request.Headers.GetValues("X-Duration-Seconds"), Is.EqualTo(new[] { "1.500000" }));
        Assert.That(request.Headers.GetValues("X-Retry"), Is.EqualTo(new[] { "2" }));
        Assert.That(request.Headers.GetValues("X-Retry-Max"), Is.EqualTo(new[] { "10" }));
    }

    [Test]
    public async Task A_delivered_callback_and_one_given_up_count_by_outcome()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var answered = AnswerOnceAsync(listener);
        using var sender = new CallbackSender(Options.Create(new AsyncQueueOptions { CallbackAttempts = 1 }), TimeProvider.System, NullLogger<CallbackSender>.Instance);
        var response = new InvocationResponse { StatusCode = 200, Body = "ok"u8.ToArray() };
        var delivered = new QueuedCall { CallId = "c-ok", Namespace = "team", Name = "calledback", CallbackUrl = $"http://127.0.0.1:{port}/cb" };
        var lost = new QueuedCall { CallId = "c-lost", Namespace = "team", Name = "calledback", CallbackUrl = $"http://127.0.0.1:{ClosedPort()}/cb" };
        var deliveredBefore = await MetricValues.ReadAsync("faasd_async_callbacks_total", ("function_name", "calledback.team"), ("outcome", "delivered"));
        var failedBefore = await MetricValues.ReadAsync("faasd_async_callbacks_total", ("function_name", "calledback.team"), ("outcome", "failed"));

        await sender.SendAsync(delivered, response, attempts: 1, maxAttempts: 1, TimeSpan.FromMilliseconds(5), CancellationToken.None);
        await answered;
        await sender.SendAsync(lost, response, attempts: 1, maxAttempts: 1, TimeSpan.FromMilliseconds(5), CancellationToken.None);

        Assert.That(await MetricValues.ReadAsync("faasd_async_callbacks_total", ("function_name", "calledback.team"), ("outcome", "delivered")) - deliveredBefore, Is.EqualTo(1));
        Assert.That(await MetricValues.ReadAsync("faasd_async_callbacks_total", ("function_name", "calledback.team"), ("outcome", "failed")) - failedBefore, Is.EqualTo(1));
    }

    /// <summary>One HTTP exchange: reads the request head and body (Content-Length) and answers 204.</summary>
    private static async Task AnswerOnceAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"u8.ToArray());
    }

    /// <summary>A loopback port nobody listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
