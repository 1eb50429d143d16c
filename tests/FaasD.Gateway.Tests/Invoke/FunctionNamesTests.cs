using FaasD.Gateway.Invoke;
using NUnit.Framework;

namespace FaasD.Gateway.Tests.Invoke;

public sealed class FunctionNamesTests
{
    [Test]
    public void The_same_name_is_the_same_string_every_time()
    {
        var path = "/function/names-test-echo".AsSpan();
        var first = FunctionNames.Get(path["/function/".Length..]);
        var second = FunctionNames.Get("names-test-echo".ToCharArray());

        Assert.That(first, Is.EqualTo("names-test-echo"));
        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void Different_names_stay_different()
    {
        Assert.That(FunctionNames.Get("names-test-a"), Is.EqualTo("names-test-a"));
        Assert.That(FunctionNames.Get("names-test-b"), Is.EqualTo("names-test-b"));
    }
}
