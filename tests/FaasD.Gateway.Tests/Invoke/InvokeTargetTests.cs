using FaasD.Gateway.Invoke;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Invoke;

internal sealed class InvokeTargetTests
{
    [TestCase("/function/f", "f", "openfaas-fn", "/")]
    [TestCase("/function/f/", "f", "openfaas-fn", "/")]
    [TestCase("/function/f.team-a", "f", "team-a", "/")]
    [TestCase("/function/f.team-a/a/b/", "f", "team-a", "/a/b/")]
    [TestCase("/function/my.dotted.fn/x", "my.dotted", "fn", "/x")]
    [TestCase("/function/f./x", "f", "openfaas-fn", "/x")]
    [TestCase("/function/f.openfaas-fn", "f", "openfaas-fn", "/")]
    [TestCase("/function/f/a%2Fb%20c", "f", "openfaas-fn", "/a%2Fb%20c")]
    public void Parses(string path, string name, string ns, string upstream)
    {
        Assert.That(InvokeTarget.TryParse(path, "openfaas-fn", out var target), Is.True);
        Assert.That(target, Is.EqualTo(new InvokeTarget(name, ns)));
        Assert.That(InvokeTarget.UpstreamPath(path).ToString(), Is.EqualTo(upstream));
    }

    [Test]
    public void DefaultNamespace_IsTheSameStringInstance()
    {
        const string Default = "openfaas-fn";
        InvokeTarget.TryParse("/function/f.openfaas-fn", Default, out var target);

        Assert.That(target.Namespace, Is.SameAs(Default));
    }

    [TestCase("/async-function/f", "f", "openfaas-fn", "/")]
    [TestCase("/async-function/f.team-a/a/b/", "f", "team-a", "/a/b/")]
    public void Parses_async_paths(string path, string name, string ns, string upstream)
    {
        Assert.That(InvokeTarget.TryParse(path, InvokeTarget.AsyncPrefix, "openfaas-fn", out var target), Is.True);
        Assert.That(target, Is.EqualTo(new InvokeTarget(name, ns)));
        Assert.That(InvokeTarget.UpstreamPath(path, InvokeTarget.AsyncPrefix).ToString(), Is.EqualTo(upstream));
        Assert.That(InvokeTarget.TryParse(path, "openfaas-fn", out _), Is.False, "not a /function/ path");
    }

    [TestCase("/function/")]
    [TestCase("/function/.ns")]
    [TestCase("/function/a b")]
    [TestCase("/other/f")]
    public void Rejects(string path) => Assert.That(InvokeTarget.TryParse(path, "openfaas-fn", out _), Is.False);
}
