using System.Net;
using System.Net.Sockets;
using FaasD.Containerd;
using FaasD.Images;
using FaasD.Network;
using FaasD.Runtime;
using FaasD.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using FaasD.TestSupport.Images;
using NUnit.Framework;

namespace FaasD.Tests.Daemon;

/// <summary>docker-compose.yaml services run by the daemon: up before functions, reachable by name and by published port.</summary>
[Integration]
[NonParallelizable]
internal sealed class ComposeServicesTests : DaemonFixture
{
    private readonly int _publishedPort = FreePort();

    protected override IReadOnlyDictionary<string, string> DaemonEnvironment =>
        new Dictionary<string, string> { ["FAASD_STOP_SERVICES_ON_SHUTDOWN"] = "true" };

    protected override async Task PrepareStateDirectoryAsync(string stateDir)
    {
        var image = await TestImages.BusyboxHttpdAsync();
        await File.WriteAllTextAsync(Path.Combine(stateDir, "docker-compose.yaml"), $"""
            version: "3.7"
            services:
              {Prefix}web:
                image: {image.Reference}
                ports:
                  - "127.0.0.1:{_publishedPort}:8080"
                restart: always
            """);
    }

    /// <summary>Services outlive the daemon by design; the test removes its own through the same runtime code.</summary>
    protected override async Task AfterDaemonStoppedAsync()
    {
        await using var layers = new ServiceCollection()
            .AddContainerdClient(TestEnvironment.ContainerdSocket)
            .AddContainerNetwork(o => o.ConfigListPath = Path.Combine(Daemon.CniDir, "10-openfaas.conflist"))
            .AddImageService()
            .AddContainerRuntime()
            .BuildServiceProvider();
        var runtime = layers.GetRequiredService<IContainerRuntime>();
        foreach (var container in await runtime.ListContainersAsync("openfaas", CancellationToken.None))
        {
            if (container.Id.StartsWith(Prefix, StringComparison.Ordinal))
            {
                await runtime.StopTaskAsync("openfaas", container.Id, TimeSpan.FromSeconds(1), CancellationToken.None);
                await runtime.DeleteContainerAsync("openfaas", container.Id, CancellationToken.None);
            }
        }
    }

    [Test]
    public async Task A_published_port_on_loopback_reaches_the_service()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = await client.GetStringAsync($"http://127.0.0.1:{_publishedPort}/");
        Assert.That(text, Is.EqualTo(BusyboxHttpd.IndexText));
    }

    [Test]
    public async Task A_function_reaches_the_service_by_name()
    {
        var name = Name("client");
        await DeployLikeFaasCliAsync(new { service = name, image = SecretReader.Reference });
        var fetched = await InvokeAsync($"/function/{name}/cgi-bin/fetch?{Prefix}web:8080");
        Assert.That(fetched, Is.EqualTo(BusyboxHttpd.IndexText));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
