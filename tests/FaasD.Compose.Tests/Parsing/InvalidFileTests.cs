using FaasD.Compose.Parsing;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Parsing;

/// <summary>Every refused file says where: the line, the service, or both.</summary>
public sealed class InvalidFileTests
{
    private static readonly ParseContext s_context = new("/var/lib/faasd", _ => null);

    private static ComposeException Refused(string yaml) =>
        Assert.Throws<ComposeException>(() => ComposeParser.Parse(yaml, s_context))!;

    [Test]
    public void BadYamlNamesTheLine()
    {
        var error = Refused("services:\n  svc:\n    image: busybox\n    environment: [A=1\n  other:\n    image: x\n");
        Assert.Multiple(() =>
        {
            Assert.That(error.Line, Is.Not.Null);
            Assert.That(error.Message, Does.StartWith($"line {error.Line}: invalid YAML"));
        });
    }

    [Test]
    public void TabIndentationIsBadYaml()
    {
        var error = Refused("services:\n  svc:\n\timage: busybox\n");
        Assert.That(error.Line, Is.EqualTo(3));
    }

    [Test]
    public void UnknownDependencyNamesServiceAndLine()
    {
        var error = Refused("services:\n  db:\n    image: d\n  app:\n    image: a\n    depends_on: [dbx]\n");
        Assert.Multiple(() =>
        {
            Assert.That(error.Service, Is.EqualTo("app"));
            Assert.That(error.Message, Is.EqualTo("line 4: service app: depends on 'dbx', which is not a service in the file"));
        });
    }

    [Test]
    public void DependencyCycleNamesTheCycle()
    {
        var error = Refused("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n");
        Assert.That(error.Message, Does.Contain("dependency cycle: a -> b -> c -> a"));
    }

    [Test]
    public void SelfDependencyIsACycle()
    {
        var error = Refused("services:\n  a:\n    image: x\n    depends_on: [a]\n");
        Assert.That(error.Message, Is.EqualTo("line 2: service a: dependency cycle: a -> a"));
    }

    [Test]
    public void PortClashNamesBothServices()
    {
        var error = Refused("services:\n  one:\n    image: x\n    ports: [\"8080:80\"]\n  two:\n    image: x\n    ports: [\"127.0.0.1:8080:81\"]\n");
        Assert.Multiple(() =>
        {
            Assert.That(error.Service, Is.EqualTo("two"));
            Assert.That(error.Message, Does.Contain("clashes with 0.0.0.0:8080->80 of service one"));
        });
    }

    [Test]
    public void SamePortOnDifferentAddressesIsFine()
    {
        var project = ComposeParser.Parse(
            "services:\n  one:\n    image: x\n    ports: [\"127.0.0.1:8080:80\"]\n  two:\n    image: x\n    ports: [\"127.0.0.2:8080:80\"]\n", s_context);
        Assert.That(project.Services, Has.Count.EqualTo(2));
    }

    [TestCase("    ports: [\"80\"]\n", 4, "names no host port")]
    [TestCase("    ports: [\"70000:80\"]\n", 4, "not a port number")]
    [TestCase("    ports: [\"53:53/udp\"]\n", 4, "only tcp")]
    [TestCase("    ports: [\"8000-8001:80-81\"]\n", 4, "not a port number")]
    [TestCase("    volumes: [\"data:relative\"]\n", 4, "must be an absolute path")]
    [TestCase("    volumes:\n      - type: tmpfs\n        target: /t\n", 5, "tmpfs")]
    [TestCase("    restart: sometimes\n", 4, "restart must be")]
    [TestCase("    command: \"sh -c 'unterminated\"\n", 4, "unterminated")]
    [TestCase("    environment: 5\n", 4, "environment must be")]
    [TestCase("    env_file: missing.env\n", 4, "cannot be read")]
    public void BadValuesNameServiceAndLine(string yaml, int line, string reason)
    {
        var error = Refused("services:\n  svc:\n    image: busybox\n" + yaml);
        Assert.Multiple(() =>
        {
            Assert.That(error.Service, Is.EqualTo("svc"));
            Assert.That(error.Line, Is.EqualTo(line));
            Assert.That(error.Message, Does.Contain(reason));
        });
    }

    [Test]
    public void MissingImageIsRefused()
    {
        var error = Refused("services:\n  svc:\n    build: .\n");
        Assert.That(error.Message, Is.EqualTo("line 2: service svc: image is required (build is not supported)"));
    }

    [Test]
    public void InvalidServiceNameIsRefused()
    {
        var error = Refused("services:\n  \"bad name\":\n    image: x\n");
        Assert.That(error.Line, Is.EqualTo(2));
    }

    [TestCase("", "empty")]
    [TestCase("- a\n- b\n", "mapping")]
    [TestCase("version: '3'\n", "no services")]
    public void WrongShapeIsRefused(string yaml, string reason) =>
        Assert.That(Refused(yaml).Message, Does.Contain(reason));

    [Test]
    public void DuplicateKeysAreRefusedWithALine()
    {
        var error = Refused("services:\n  svc:\n    image: a\n  svc:\n    image: b\n");
        Assert.That(error.Line, Is.Not.Null);
    }
}
