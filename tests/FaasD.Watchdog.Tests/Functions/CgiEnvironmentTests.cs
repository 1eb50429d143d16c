using FaasD.Watchdog.Functions;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Functions;

[TestFixture]
public sealed class CgiEnvironmentTests
{
    [TestCase("content-type", "Content-Type")]
    [TestCase("X-CALL-ID", "X-Call-Id")]
    [TestCase("user-agent", "User-Agent")]
    [TestCase("x-b3-traceid", "X-B3-Traceid")]
    [TestCase("has space", "has space")]
    public void CanonicalHeaderName_MatchesGo(string name, string expected) =>
        Assert.That(CgiEnvironment.CanonicalHeaderName(name), Is.EqualTo(expected));
}
