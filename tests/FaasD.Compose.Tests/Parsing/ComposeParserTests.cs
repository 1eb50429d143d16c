using System.Net;
using FaasD.Compose.Model;
using FaasD.Compose.Parsing;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Parsing;

public sealed class ComposeParserTests
{
    private static readonly ParseContext s_context = new("/var/lib/faasd", name => name == "FROM_HOST" ? "host-value" : null);

    private static ServiceDefinition ParseOne(string serviceYaml)
    {
        var project = ComposeParser.Parse("services:\n  svc:\n    image: busybox\n" + serviceYaml, s_context);
        return project.Services.Single();
    }

    [Test]
    public void EnvironmentListForm()
    {
        var service = ParseOne("    environment:\n      - B=2\n      - A=x=y\n      - EMPTY=\n      - FROM_HOST\n      - UNSET\n");
        Assert.That(service.Environment, Is.EqualTo(new[] { "A=x=y", "B=2", "EMPTY=", "FROM_HOST=host-value" }));
    }

    [Test]
    public void EnvironmentMapForm()
    {
        var service = ParseOne("    environment:\n      B: 2\n      A: \"quoted: yes\"\n      FROM_HOST:\n      EMPTY: ''\n");
        Assert.That(service.Environment, Is.EqualTo(new[] { "A=quoted: yes", "B=2", "EMPTY=", "FROM_HOST=host-value" }));
    }

    [Test]
    public void EnvFileIsReadRelativeToStateAndEnvironmentWins()
    {
        using var state = new Fakes.TempDirectory();
        File.WriteAllText(state.Combine("svc.env"), "# comment\nA=from-file\nB=\"quoted\"\n\nexport C=3\n");
        var project = ComposeParser.Parse(
            "services:\n  svc:\n    image: busybox\n    env_file: svc.env\n    environment:\n      A: from-yaml\n",
            new ParseContext(state.Path, _ => null));
        Assert.That(project.Services[0].Environment, Is.EqualTo(new[] { "A=from-yaml", "B=quoted", "C=3" }));
    }

    [Test]
    public void DependsOnListForm()
    {
        var project = ComposeParser.Parse("services:\n  app:\n    image: a\n    depends_on: [db, cache]\n  db:\n    image: d\n  cache:\n    image: c\n", s_context);
        Assert.That(project.Find("app")!.DependsOn, Is.EqualTo(new[] { "db", "cache" }));
    }

    [Test]
    public void DependsOnMapForm()
    {
        var project = ComposeParser.Parse(
            "services:\n  app:\n    image: a\n    depends_on:\n      db:\n        condition: service_healthy\n      cache:\n        condition: service_started\n  db:\n    image: d\n  cache:\n    image: c\n",
            s_context);
        Assert.That(project.Find("app")!.DependsOn, Is.EqualTo(new[] { "db", "cache" }));
    }

    [TestCase("\"8080:80\"", "0.0.0.0", 8080, 80)]
    [TestCase("127.0.0.1:9090:9090", "127.0.0.1", 9090, 9090)]
    [TestCase("\"127.0.0.1:9090:9091/tcp\"", "127.0.0.1", 9090, 9091)]
    [TestCase("\"[::1]:8443:443\"", "::1", 8443, 443)]
    [TestCase("{ target: 80, published: 8081, host_ip: 127.0.0.1 }", "127.0.0.1", 8081, 80)]
    public void Ports(string entry, string host, int published, int target)
    {
        var service = ParseOne($"    ports:\n      - {entry}\n");
        Assert.That(service.Ports, Is.EqualTo(new[] { new PublishedPort(IPAddress.Parse(host), published, target) }));
    }

    [TestCase("./data:/data", "/var/lib/faasd/data", "/data", false, false)]
    [TestCase("/srv/x:/x:ro", "/srv/x", "/x", true, false)]
    [TestCase("../other:/o:rw", "/var/lib/other", "/o", false, false)]
    [TestCase("pgdata:/var/lib/pg", "/var/lib/faasd/volumes/pgdata", "/var/lib/pg", false, true)]
    [TestCase("/cache", "/var/lib/faasd/volumes/svc_cache", "/cache", false, true)]
    public void VolumesShortForm(string entry, string source, string target, bool readOnly, bool named)
    {
        var service = ParseOne($"    volumes:\n      - {entry}\n");
        Assert.That(service.Volumes, Is.EqualTo(new[] { new ServiceVolume(source, target, readOnly, named) }));
    }

    [Test]
    public void VolumesLongForm()
    {
        var service = ParseOne(
            "    volumes:\n      - type: bind\n        source: ./nats\n        target: /nats\n        read_only: true\n" +
            "      - type: volume\n        source: store\n        target: /store\n");
        Assert.That(service.Volumes, Is.EqualTo(new[]
        {
            new ServiceVolume("/var/lib/faasd/nats", "/nats", ReadOnly: true, IsNamedVolume: false),
            new ServiceVolume("/var/lib/faasd/volumes/store", "/store", ReadOnly: false, IsNamedVolume: true),
        }));
    }

    [Test]
    public void CommandAsStringIsSplitLikeAShell()
    {
        var service = ParseOne("    command: sh -c 'echo \"hi there\" > /tmp/x' \"a b\"\n");
        Assert.That(service.Command, Is.EqualTo(new[] { "sh", "-c", "echo \"hi there\" > /tmp/x", "a b" }));
    }

    [Test]
    public void CommandAsListIsTakenVerbatim()
    {
        var service = ParseOne("    command: [\"httpd\", \"-f\", \"-p\", \"8080\"]\n    entrypoint: /bin/sh -c\n");
        Assert.Multiple(() =>
        {
            Assert.That(service.Command, Is.EqualTo(new[] { "httpd", "-f", "-p", "8080" }));
            Assert.That(service.Entrypoint, Is.EqualTo(new[] { "/bin/sh", "-c" }));
        });
    }

    [TestCase("no", RestartMode.No, 0)]
    [TestCase("always", RestartMode.Always, 0)]
    [TestCase("unless-stopped", RestartMode.UnlessStopped, 0)]
    [TestCase("on-failure", RestartMode.OnFailure, 0)]
    [TestCase("on-failure:3", RestartMode.OnFailure, 3)]
    public void Restart(string value, RestartMode mode, int retries)
    {
        var service = ParseOne($"    restart: \"{value}\"\n");
        Assert.That(service.Restart, Is.EqualTo(new RestartPolicy(mode, retries)));
    }

    [Test]
    public void UserAndCapabilities()
    {
        var service = ParseOne("    user: \"65534:65534\"\n    cap_add: [NET_ADMIN, CAP_SYS_TIME]\n");
        Assert.Multiple(() =>
        {
            Assert.That(service.User, Is.EqualTo("65534:65534"));
            Assert.That(service.CapAdd, Is.EqualTo(new[] { "CAP_NET_ADMIN", "CAP_SYS_TIME" }));
        });
    }

    [Test]
    public void UnknownKeysAreReportedWithTheirLineNotRefused()
    {
        var project = ComposeParser.Parse(
            "version: \"3.7\"\nservices:\n  svc:\n    image: busybox\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n    networks: [x]\nnetworks:\n  x: {}\n",
            s_context);
        Assert.That(project.Ignored, Is.EqualTo(new[] { "line 5: services.svc.healthcheck", "line 7: services.svc.networks", "line 8: networks" }));
    }
}
