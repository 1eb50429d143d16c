using FaasD.Shared;
using NUnit.Framework;

namespace FaasD.Watchdog.Tests.Configuration;

[TestFixture]
public sealed class GoDurationTests
{
    [TestCase("30", 30_000)]
    [TestCase("0", 0)]
    [TestCase("10s", 10_000)]
    [TestCase("500ms", 500)]
    [TestCase("1m30s", 90_000)]
    [TestCase("1.5h", 5_400_000)]
    [TestCase("2h45m", 9_900_000)]
    [TestCase("1500us", 1.5)]
    public void Parses(string text, double milliseconds)
    {
        Assert.Multiple(() =>
        {
            Assert.That(GoDuration.TryParseTimeout(text, out var value), Is.True);
            Assert.That(value.TotalMilliseconds, Is.EqualTo(milliseconds));
        });
    }

    [TestCase("")]
    [TestCase("ten")]
    [TestCase("10x")]
    [TestCase("s")]
    [TestCase("-5")]
    [TestCase("1.5")]
    public void Rejects(string text) => Assert.That(GoDuration.TryParseTimeout(text, out _), Is.False);
}
