using System.Net;
using System.Net.Sockets;
using FaasD.Configuration;
using FaasD.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace FaasD.Tests.Hosting;

/// <summary>Issue 11 item 4: the systemd watchdog ping vouches for exactly what <c>/healthz</c> says.</summary>
internal sealed class DaemonHealthTests
{
    [Test]
    public async Task The_watchdog_condition_follows_healthz_on_the_daemons_own_listener()
    {
        var port = FreePort();
        var status = StatusCodes.Status200OK;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        app.MapGet("/healthz", (HttpContext context) => context.Response.StatusCode = status);
        await app.StartAsync();

        using var services = new ServiceCollection()
            .AddSingleton(new DaemonSettings { BindAddress = "0.0.0.0", Port = port })
            .AddSingleton<HealthzClient>()
            .BuildServiceProvider();

        var healthy = await DaemonHealth.IsHealthyAsync(services, CancellationToken.None);
        status = StatusCodes.Status503ServiceUnavailable; // e.g. containerd unreachable
        var unhealthy = await DaemonHealth.IsHealthyAsync(services, CancellationToken.None);
        await app.StopAsync();
        var gone = await DaemonHealth.IsHealthyAsync(services, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(healthy, Is.True, "200: ping");
            Assert.That(unhealthy, Is.False, "503: no ping");
            Assert.That(gone, Is.False, "no gateway: no ping");
            Assert.That(DaemonHealth.HealthzUri(new DaemonSettings { BindAddress = "0.0.0.0", Port = port }).Host, Is.EqualTo("127.0.0.1"), "a wildcard bind is reached over loopback");
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
