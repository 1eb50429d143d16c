using System.Net;
using System.Net.Sockets;
using FaasD.Functions.Waking;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Waking;

/// <summary>The port wait of deploy and wake: polls often while a function is starting, gives up at its timeout.</summary>
internal sealed class PortProbeTests
{
    [TestCase(0, 1)]
    [TestCase(249, 1)]
    [TestCase(250, 10)]
    [TestCase(1999, 10)]
    [TestCase(2000, 50)]
    [TestCase(60_000, 50)]
    public void Delay_IsShortWhileAFunctionUsuallyStarts_ThenBacksOff(int waitedMs, int expectedMs) =>
        Assert.That(PortProbe.DelayAfter(TimeSpan.FromMilliseconds(waitedMs)), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));

    [Test]
    public async Task Returns_OnceSomethingListens()
    {
        using var reserved = new TcpListener(IPAddress.Loopback, 0);
        reserved.Start();
        var port = ((IPEndPoint)reserved.LocalEndpoint).Port;
        reserved.Stop();

        var waiting = PortProbe.WaitUntilAcceptsAsync(IPAddress.Loopback, port, TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None);
        await Task.Delay(50);
        Assert.That(waiting.IsCompleted, Is.False, "nothing listens yet");

        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(waiting.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void Throws_TimeoutException_WhenNothingListens()
    {
        using var reserved = new TcpListener(IPAddress.Loopback, 0);
        reserved.Start();
        var port = ((IPEndPoint)reserved.LocalEndpoint).Port;
        reserved.Stop();

        var error = Assert.ThrowsAsync<TimeoutException>(() =>
            PortProbe.WaitUntilAcceptsAsync(IPAddress.Loopback, port, TimeSpan.FromMilliseconds(300), TimeProvider.System, CancellationToken.None));
        Assert.That(error!.Message, Does.Contain($"127.0.0.1:{port}"));
    }
}
