using FaasD.Compose.Parsing;
using NUnit.Framework;

namespace FaasD.Compose.Tests.Parsing;

public sealed class DependencyOrderTests
{
    [Test]
    public void EveryServiceComesAfterItsDependencies()
    {
        var project = ComposeParser.Parse(
            "services:\n" +
            "  gateway:\n    image: g\n    depends_on: [nats, prometheus]\n" +
            "  queue-worker:\n    image: q\n    depends_on: [nats]\n" +
            "  prometheus:\n    image: p\n" +
            "  nats:\n    image: n\n",
            new ParseContext("/var/lib/faasd", _ => null));
        var order = project.Services.Select(s => s.Name).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(order, Is.EquivalentTo(new[] { "gateway", "queue-worker", "prometheus", "nats" }));
            Assert.That(order.IndexOf("nats"), Is.LessThan(order.IndexOf("gateway")));
            Assert.That(order.IndexOf("prometheus"), Is.LessThan(order.IndexOf("gateway")));
            Assert.That(order.IndexOf("nats"), Is.LessThan(order.IndexOf("queue-worker")));
        });
    }

    [Test]
    public void IndependentServicesKeepFileOrder()
    {
        var project = ComposeParser.Parse("services:\n  c:\n    image: x\n  a:\n    image: x\n  b:\n    image: x\n", new ParseContext("/", _ => null));
        Assert.That(project.Services.Select(s => s.Name), Is.EqualTo(new[] { "c", "a", "b" }));
    }
}
