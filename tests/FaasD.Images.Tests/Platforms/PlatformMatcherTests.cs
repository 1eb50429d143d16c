using FaasD.Images.Platforms;
using NUnit.Framework;

namespace FaasD.Images.Tests.Platforms;

public sealed class PlatformMatcherTests
{
    [TestCase("linux/amd64", "linux/amd64", true)]
    [TestCase("linux/amd64", "linux/x86_64", true)]
    [TestCase("linux/amd64", "linux/arm64", false)]
    [TestCase("linux/amd64", "windows/amd64", false)]
    [TestCase("linux/amd64", "linux/386", false)]
    [TestCase("linux/arm64", "linux/arm64", true)]
    [TestCase("linux/arm64", "linux/arm64/v8", true)]
    [TestCase("linux/arm64", "linux/aarch64", true)]
    [TestCase("linux/arm64", "linux/arm/v7", false)]
    [TestCase("linux/arm/v7", "linux/arm/v7", true)]
    [TestCase("linux/arm/v7", "linux/arm", true)]
    [TestCase("linux/arm/v7", "linux/arm/v6", true)]
    [TestCase("linux/arm/v7", "linux/arm/v8", false)]
    [TestCase("linux/arm/v6", "linux/arm/v7", false)]
    public void MatchesWhatRunsOnTheHost(string host, string candidate, bool expected)
    {
        Assert.That(new PlatformMatcher(Platform.Parse(host)).Matches(Platform.Parse(candidate)), Is.EqualTo(expected));
    }

    [Test]
    public void PicksTheExactVariantBeforeOlderOnes()
    {
        var matcher = new PlatformMatcher(Platform.Parse("linux/arm/v7"));
        var offered = new[] { "linux/amd64", "linux/arm/v6", "linux/arm/v7", "linux/arm64" };

        Assert.That(matcher.Best(offered, Platform.Parse), Is.EqualTo("linux/arm/v7"));
    }

    [Test]
    public void PicksTheHostsManifestFromAMultiPlatformList()
    {
        var offered = new[] { "linux/arm/v7", "linux/arm64/v8", "linux/amd64", "unknown/unknown" };

        Assert.That(new PlatformMatcher(Platform.Parse("linux/amd64")).Best(offered, Parse), Is.EqualTo("linux/amd64"));
        Assert.That(new PlatformMatcher(Platform.Parse("linux/arm64")).Best(offered, Parse), Is.EqualTo("linux/arm64/v8"));
        Assert.That(new PlatformMatcher(Platform.Parse("linux/riscv64")).Best(offered, Parse), Is.Null);
    }

    [Test]
    public void TheHostPlatformIsLinux()
    {
        Assert.That(Platform.Host.Os, Is.EqualTo("linux"));
        Assert.That(PlatformMatcher.ForHost.Matches(Platform.Host), Is.True);
    }

    private static Platform Parse(string text) => Platform.Parse(text);
}
