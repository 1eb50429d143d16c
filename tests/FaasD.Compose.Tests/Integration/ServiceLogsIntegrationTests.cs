using FaasD.Runtime.Logs;
using FaasD.TestSupport;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Integration;

/// <summary>A service's output reaches the runtime's log capture under (namespace, service), as /system/logs reads it.</summary>
[Integration]
[NonParallelizable]
public sealed class ServiceLogsIntegrationTests
{
    [Test]
    public async Task ServiceOutputIsCapturedUnderItsNamespaceAndName()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var host = await ComposeTestHost.CreateAsync(timeout.Token);
        host.Capture.Start();
        var compose = host.Compose(
            host.Options($"""
                services:
                  chatty:
                    image: {host.Image}
                    command: ["sh", "-c", "echo service-says-hi; exec httpd -f -p 8080 -h /www"]

                """),
            host.Capture);

        await compose.StartAsync(timeout.Token);
        Assert.That((await compose.Started.WaitAsync(timeout.Token)).AllUp, Is.True);

        var lines = new List<string>();
        while (!lines.Contains("service-says-hi"))
        {
            await Task.Delay(100, timeout.Token);
            lines.Clear();
            await foreach (var entry in host.Capture.ReadAsync(new LogQuery("chatty", host.Namespace, Follow: false, Tail: 0, Since: null), timeout.Token))
            {
                lines.Add(entry.Text);
            }
        }

        Assert.That(lines, Does.Contain("service-says-hi"));
        await compose.StopAsync(timeout.Token);
        await compose.DisposeAsync();
    }
}
