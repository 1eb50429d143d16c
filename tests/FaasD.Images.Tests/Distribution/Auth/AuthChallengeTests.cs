using FaasD.Images.Distribution.Auth;
using NUnit.Framework;

namespace FaasD.Images.Tests.Distribution.Auth;

public sealed class AuthChallengeTests
{
    [Test]
    public void ParsesDockerHubsBearerChallenge()
    {
        var challenge = AuthChallenge.Parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"").Single();

        Assert.That(challenge.IsBearer, Is.True);
        Assert.That(challenge.Parameter("realm"), Is.EqualTo("https://auth.docker.io/token"));
        Assert.That(challenge.Parameter("service"), Is.EqualTo("registry.docker.io"));
        Assert.That(challenge.Parameter("scope"), Is.EqualTo("repository:library/busybox:pull"));
    }

    [Test]
    public void ParsesSeveralChallengesUnquotedValuesAndEscapes()
    {
        var challenges = AuthChallenge.Parse("Basic realm=\"Registry \\\"x\\\"\" , bearer realm=https://a/t, service = svc,error=\"insufficient_scope\"");

        Assert.That(challenges.Select(c => c.Scheme), Is.EqualTo(new[] { "Basic", "bearer" }));
        Assert.That(challenges[0].IsBasic, Is.True);
        Assert.That(challenges[0].Parameter("realm"), Is.EqualTo("Registry \"x\""));
        Assert.That(challenges[1].IsBearer, Is.True);
        Assert.That(challenges[1].Parameter("realm"), Is.EqualTo("https://a/t"));
        Assert.That(challenges[1].Parameter("service"), Is.EqualTo("svc"));
        Assert.That(challenges[1].Parameter("error"), Is.EqualTo("insufficient_scope"));
    }

    [Test]
    public void ASchemeWithoutParametersIsStillAChallenge()
    {
        Assert.That(AuthChallenge.Parse("Basic").Single().IsBasic, Is.True);
        Assert.That(AuthChallenge.Parse("  "), Is.Empty);
    }
}
