using FaasD.Images.References;
using NUnit.Framework;

namespace FaasD.Images.Tests.References;

public sealed class ImageReferenceTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [TestCase("busybox", "docker.io/library/busybox:latest")]
    [TestCase("busybox:1.36", "docker.io/library/busybox:1.36")]
    [TestCase("functions/figlet", "docker.io/functions/figlet:latest")]
    [TestCase("functions/figlet:0.13", "docker.io/functions/figlet:0.13")]
    [TestCase("docker.io/busybox", "docker.io/library/busybox:latest")]
    [TestCase("index.docker.io/library/busybox:1", "docker.io/library/busybox:1")]
    [TestCase("ghcr.io/openfaas/figlet:latest", "ghcr.io/openfaas/figlet:latest")]
    [TestCase("127.0.0.1:5000/faasd-test/x", "127.0.0.1:5000/faasd-test/x:latest")]
    [TestCase("localhost/x", "localhost/x:latest")]
    [TestCase("localhost:5000/a/b/c:v1.0-rc_1", "localhost:5000/a/b/c:v1.0-rc_1")]
    [TestCase("[::1]:5000/x:1", "[::1]:5000/x:1")]
    [TestCase("busybox@" + Digest, "docker.io/library/busybox@" + Digest)]
    [TestCase("busybox:1.36@" + Digest, "docker.io/library/busybox:1.36@" + Digest)]
    [TestCase("my.registry:5000/team/app-name__x:tag@" + Digest, "my.registry:5000/team/app-name__x:tag@" + Digest)]
    public void NormalisesLikeDocker(string reference, string expected)
    {
        Assert.That(ImageReference.Parse(reference).ToString(), Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase(" busybox")]
    [TestCase("Busybox")]
    [TestCase("busybox:")]
    [TestCase("busybox:-bad")]
    [TestCase("busybox@sha256:short")]
    [TestCase("busybox@md5:0123456789abcdef0123456789abcdef")]
    [TestCase("a//b")]
    [TestCase("ghcr.io/")]
    [TestCase("host:port:5000/x")]
    public void RejectsInvalidReferences(string reference)
    {
        Assert.That(ImageReference.TryParse(reference, out _), Is.False);
        Assert.Throws<FormatException>(() => ImageReference.Parse(reference));
    }

    [Test]
    public void DockerHubIsReachedThroughItsRegistryEndpoint()
    {
        var reference = ImageReference.Parse("functions/figlet:0.13");

        Assert.That(reference.RegistryHost, Is.EqualTo("registry-1.docker.io"));
        Assert.That(reference.Domain, Is.EqualTo("docker.io"));
        Assert.That(reference.Path, Is.EqualTo("functions/figlet"));
        Assert.That(reference.ManifestReference, Is.EqualTo("0.13"));
    }

    [Test]
    public void TheDigestDecidesWhatIsFetchedWhenBothAreGiven()
    {
        var reference = ImageReference.Parse("ghcr.io/o/app:1.0@" + Digest);

        Assert.That(reference.Tag, Is.EqualTo("1.0"));
        Assert.That(reference.ManifestReference, Is.EqualTo(Digest));
        Assert.That(ImageReference.Parse("ghcr.io/o/app@" + Digest).Tag, Is.Null);
    }
}
