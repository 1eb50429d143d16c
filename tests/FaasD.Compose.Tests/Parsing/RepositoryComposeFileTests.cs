using System.Net;
using FaasD.Compose.Parsing;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Parsing;

/// <summary>The repository's docker-compose.yaml is one FaasD runs as it is: its services parse fully.</summary>
public sealed class RepositoryComposeFileTests
{
    [Test]
    public async Task The_prometheus_service_mounts_the_scrape_config_and_keeps_its_data()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "docker-compose.yaml");
        var project = await ComposeParser.LoadAsync(path, new ParseContext("/var/lib/faasd", _ => null), CancellationToken.None);

        var prometheus = project.Find("prometheus");
        Assert.That(prometheus, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(prometheus!.Image, Does.StartWith("docker.io/prom/prometheus:"));
            Assert.That(prometheus.User, Is.EqualTo("65534"));
            // A compose command replaces the image entrypoint here, so it must name the binary itself.
            Assert.That(prometheus.Command?.FirstOrDefault(), Is.EqualTo("/bin/prometheus"));
            Assert.That(prometheus.Command, Does.Contain("--config.file=/etc/prometheus/prometheus.yml"));
            Assert.That(prometheus.Volumes, Does.Contain(new Model.ServiceVolume("/var/lib/faasd/prometheus.yml", "/etc/prometheus/prometheus.yml", ReadOnly: true, IsNamedVolume: false)));
            Assert.That(prometheus.Volumes.Single(v => v.Target == "/prometheus").IsNamedVolume, Is.True);
            Assert.That(prometheus.Ports, Is.EqualTo(new[] { new Model.PublishedPort(IPAddress.Loopback, 9090, 9090) }));
            Assert.That(project.Ignored.Where(i => i.Contains("prometheus", StringComparison.Ordinal)), Is.Empty);
        }
    }

    [Test]
    public async Task The_nats_service_stays_beside_prometheus()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "docker-compose.yaml");
        var project = await ComposeParser.LoadAsync(path, new ParseContext("/var/lib/faasd", _ => null), CancellationToken.None);

        var nats = project.Find("nats");
        Assert.That(nats, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(nats!.Command?.FirstOrDefault(), Is.EqualTo("/nats-server"));
            Assert.That(nats.Command, Does.Contain("-js"));
            Assert.That(nats.Ports, Is.EqualTo(new[] { new Model.PublishedPort(IPAddress.Loopback, 4222, 4222) }));
            Assert.That(project.Services.Select(s => s.Name), Is.EquivalentTo(new[] { "nats", "prometheus" }));
        }
    }
}
