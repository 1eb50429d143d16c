using FaasD.Invocation;
using FaasD.Queue.Dispatch;
using FaasD.Queue.Model;
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
}
