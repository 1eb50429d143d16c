using System.Net;
using FaasD.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.SystemInfo;

/// <summary>Issue 11 item 4: <c>/healthz</c> tells the truth about what the daemon depends on.</summary>
internal sealed class HealthzTests
{
    private sealed class SwitchableProbe : IHealthProbe
    {
        public HealthReport Report { get; set; } = HealthReport.Ok;

        public Task<HealthReport> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(Report);
    }

    [Test]
    public async Task Healthz_Is200WhileProbesPass_And503WithTheReasonWhileOneFails()
    {
        var probe = new SwitchableProbe();
        await using var gateway = await GatewayHost.StartAsync(services: s => s.AddSingleton<IHealthProbe>(probe));

        using (var healthy = await gateway.Anonymous.GetAsync("/healthz"))
        {
            Assert.That(healthy.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await healthy.Content.ReadAsStringAsync(), Is.Empty);
        }

        probe.Report = HealthReport.Unhealthy("containerd is not reachable at /run/x.sock");
        using (var unhealthy = await gateway.Anonymous.GetAsync("/healthz"))
        {
            Assert.That(unhealthy.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(await unhealthy.Content.ReadAsStringAsync(), Is.EqualTo("containerd is not reachable at /run/x.sock\n"));
        }

        probe.Report = HealthReport.Ok;
        using var again = await gateway.Anonymous.GetAsync("/healthz");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
