using FaasD.Shared;
using NUnit.Framework;

namespace FaasD.Functions.Tests.Shared;

public class GoDurationTests
{
    [TestCase("30s", 30_000)]
    [TestCase("5m", 300_000)]
    [TestCase("1h", 3_600_000)]
    [TestCase("1h30m", 5_400_000)]
    [TestCase("500ms", 500)]
    [TestCase("1.5h", 5_400_000)]
    [TestCase(".5s", 500)]
    [TestCase("2h45m30.5s", 9_930_500)]
    [TestCase("1500us", 1.5)]
    [TestCase("1500µs", 1.5)]
    [TestCase("2000000ns", 2)]
    [TestCase("0", 0)]
    [TestCase(" 10m ", 600_000)]
    [TestCase("-5m", -300_000)]
    public void Parses_go_durations(string text, double expectedMilliseconds)
    {
        Assert.That(GoDuration.TryParse(text, out var value), Is.True);
        Assert.That(value, Is.EqualTo(TimeSpan.FromMilliseconds(expectedMilliseconds)));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("abc")]
    [TestCase("5")]
    [TestCase("5x")]
    [TestCase("5 m")]
    [TestCase("m")]
    [TestCase("-")]
    [TestCase("1..5s")]
    [TestCase(".s")]
    [TestCase("5m3")]
    [TestCase("1d")]
    [TestCase("99999999999999999999h")]
    public void Rejects_what_go_rejects(string? text)
    {
        Assert.That(GoDuration.TryParse(text, out _), Is.False);
    }

    [TestCase(30_000, "30s")]
    [TestCase(300_000, "5m")]
    [TestCase(3_600_000, "1h")]
    [TestCase(5_400_000, "1h30m")]
    [TestCase(90_000, "1m30s")]
    [TestCase(500, "500ms")]
    [TestCase(0, "0s")]
    public void Formats_short(double milliseconds, string expected)
    {
        Assert.That(GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(expected));
    }
}
