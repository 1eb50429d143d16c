using System.Security.Cryptography;
using FaasD.Images.Distribution;
using NUnit.Framework;

namespace FaasD.Images.Tests.Distribution;

public sealed class VerifyingStreamTests
{
    private static readonly byte[] s_blob = RandomNumberGenerator.GetBytes(300_000);
    private static readonly string s_digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(s_blob));

    [Test]
    public async Task PassesIntactContentThrough()
    {
        await using var stream = new VerifyingStream(new MemoryStream(s_blob), s_digest, s_blob.Length, "test/ref");
        using var copy = new MemoryStream();

        await stream.CopyToAsync(copy);

        Assert.That(copy.ToArray(), Is.EqualTo(s_blob));
    }

    [Test]
    public void AFlippedByteIsCorrupt()
    {
        var corrupted = (byte[])s_blob.Clone();
        corrupted[123_456] ^= 0x01;

        var exception = Assert.ThrowsAsync<ImagePullException>(() => DrainAsync(corrupted, s_blob.Length));

        Assert.That(exception!.Kind, Is.EqualTo(ImagePullErrorKind.Corrupt));
        Assert.That(exception.Message, Does.Contain("test/ref").And.Contain(s_digest));
    }

    [Test]
    public void ATruncatedStreamIsCorrupt()
    {
        var exception = Assert.ThrowsAsync<ImagePullException>(() => DrainAsync(s_blob[..1000], s_blob.Length));

        Assert.That(exception!.Kind, Is.EqualTo(ImagePullErrorKind.Corrupt));
    }

    [Test]
    public async Task AReaderThatStopsAtTheSizeStillGetsTheCheck()
    {
        var corrupted = (byte[])s_blob.Clone();
        corrupted[^1] ^= 0xff;
        await using var stream = new VerifyingStream(new MemoryStream(corrupted), s_digest, s_blob.Length, "test/ref");
        var buffer = new byte[s_blob.Length];

        // Like containerd's writer: exactly size bytes, never a read at end of stream.
        Assert.ThrowsAsync<ImagePullException>(async () => await stream.ReadExactlyAsync(buffer));
    }

    [Test]
    public async Task NeverReadsPastTheDeclaredSize()
    {
        var longer = s_blob.Concat(new byte[] { 1, 2, 3 }).ToArray();
        await using var stream = new VerifyingStream(new MemoryStream(longer), s_digest, s_blob.Length, "test/ref");
        using var copy = new MemoryStream();

        await stream.CopyToAsync(copy);

        Assert.That(copy.Length, Is.EqualTo(s_blob.Length));
    }

    private static async Task DrainAsync(byte[] content, long size)
    {
        await using var stream = new VerifyingStream(new MemoryStream(content), s_digest, size, "test/ref");
        await stream.CopyToAsync(Stream.Null);
    }
}
