using FaasD.Compose.Parsing;
using FaasD.Compose.Running;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Running;

public sealed class DefinitionHashTests
{
    private static readonly ServiceSpecBuilder s_builder = new(new ComposeOptions { StateDirectory = "/var/lib/faasd" });

    private static string HashOf(string serviceYaml)
    {
        var project = ComposeParser.Parse("services:\n  svc:\n" + serviceYaml, new ParseContext("/var/lib/faasd", _ => null));
        return s_builder.Build(project.Services[0]).Labels[ComposeLabels.DefinitionHash];
    }

    [Test]
    public void FormattingAndKeyOrderDoNotChangeTheHash()
    {
        var a = HashOf("    image: redis\n    environment:\n      A: 1\n      B: 2\n    command: redis-server --appendonly yes\n");
        var b = HashOf("    command: [\"redis-server\", \"--appendonly\", \"yes\"]\n    environment: [B=2, A=1]\n    image: redis\n");
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void PortsAndRestartDoNotChangeTheHash()
    {
        // Both are applied outside the container (proxy, supervisor), so changing them must not re-create it.
        var a = HashOf("    image: redis\n");
        var b = HashOf("    image: redis\n    ports: [\"6379:6379\"]\n    restart: always\n");
        Assert.That(b, Is.EqualTo(a));
    }

    [TestCase("    image: redis:7\n")]
    [TestCase("    image: redis\n    environment: [A=2]\n")]
    [TestCase("    image: redis\n    command: redis-server\n")]
    [TestCase("    image: redis\n    user: \"1000\"\n")]
    [TestCase("    image: redis\n    volumes: [\"./data:/data\"]\n")]
    [TestCase("    image: redis\n    volumes: [\"./data:/data:ro\"]\n")]
    [TestCase("    image: redis\n    cap_add: [NET_ADMIN]\n")]
    [TestCase("    image: redis\n    entrypoint: [\"/bin/sh\"]\n")]
    public void AnyContainerSettingChangesTheHash(string changed)
    {
        var baseline = HashOf("    image: redis\n    environment: [A=1]\n");
        Assert.That(HashOf(changed), Is.Not.EqualTo(baseline));
    }

    [Test]
    public void ValuesCannotImitateOtherFields()
    {
        var a = HashOf("    image: redis\n    environment: [\"A=1\", \"B=2\"]\n");
        var b = HashOf("    image: redis\n    environment: [\"A=1\\nB=2\"]\n");
        Assert.That(b, Is.Not.EqualTo(a));
    }
}
