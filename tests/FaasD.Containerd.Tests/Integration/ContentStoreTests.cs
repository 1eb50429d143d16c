using System.Security.Cryptography;
using FaasD.Containerd.Api.Content;
using FaasD.Containerd.Content;
using FaasD.Containerd.Errors;
using FaasD.Containerd.Tests.Integration.Support;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Integration;

public sealed class ContentStoreTests : ContainerdTestBase
{
    private static (byte[] Data, string Digest) RandomBlob(int size)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        return (data, $"sha256:{Convert.ToHexStringLower(SHA256.HashData(data))}");
    }

    [Test]
    public async Task WrittenBlobReadsBackWithItsDigestAndIsNotSentTwice()
    {
        // Several chunks and a ragged tail, so offsets are exercised.
        var (data, digest) = RandomBlob((2 * ContentWriteSession.ChunkSize) + 12345);
        await using var lease = await Scope.CreateLeaseAsync(TimeSpan.FromMinutes(10), Cancellation);
        var store = lease.Scope.ContentStore;
        var opened = 0;
        BlobSource source = (offset, _) =>
        {
            opened++;
            return Task.FromResult<Stream>(new MemoryStream(data, (int)offset, data.Length - (int)offset, writable: false));
        };

        var first = await store.WriteAsync(new BlobWrite(digest, data.Length), source, Cancellation);
        var info = await store.InfoAsync(digest, Cancellation);
        var readBack = await store.ReadAllAsync(digest, Cancellation);
        var second = await store.WriteAsync(new BlobWrite(digest, data.Length), source, Cancellation);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(BlobWriteOutcome.Written));
            Assert.That(info, Is.Not.Null);
            Assert.That(info!.Size, Is.EqualTo(data.Length));
            Assert.That(info.Digest, Is.EqualTo(digest));
            Assert.That($"sha256:{Convert.ToHexStringLower(SHA256.HashData(readBack))}", Is.EqualTo(digest));
            Assert.That(second, Is.EqualTo(BlobWriteOutcome.AlreadyPresent));
            Assert.That(opened, Is.EqualTo(1), "the second write must not read the source");
        });
    }

    [Test]
    public async Task CommitLabelsAreStoredWithTheBlob()
    {
        var (data, digest) = RandomBlob(100);
        await using var lease = await Scope.CreateLeaseAsync(TimeSpan.FromMinutes(10), Cancellation);
        var blob = new BlobWrite(digest, data.Length) { Labels = new Dictionary<string, string> { ["faasd.test/kind"] = "config" } };

        await lease.Scope.ContentStore.WriteAsync(blob, data, Cancellation);
        var info = await lease.Scope.ContentStore.InfoAsync(digest, Cancellation);

        Assert.That(info!.Labels["faasd.test/kind"], Is.EqualTo("config"));
    }

    [Test]
    public async Task MissingBlobHasNoInfo()
    {
        var (_, digest) = RandomBlob(10);

        Assert.Multiple(async () =>
        {
            Assert.That(await Scope.ContentStore.InfoAsync(digest, Cancellation), Is.Null);
            Assert.That(await Scope.ContentStore.ExistsAsync(digest, Cancellation), Is.False);
        });
    }

    [Test]
    public async Task WrongDigestFailsTranslatedAndLeavesNoIngest()
    {
        var (data, _) = RandomBlob(4096);
        var (_, otherDigest) = RandomBlob(4096);
        await using var lease = await Scope.CreateLeaseAsync(TimeSpan.FromMinutes(10), Cancellation);
        var blob = new BlobWrite(otherDigest, data.Length) { Ref = "faasd-test-wrong-digest" };

        var thrown = Assert.ThrowsAsync<ContainerdException>(async () =>
            await lease.Scope.ContentStore.WriteAsync(blob, data, Cancellation));

        var ingests = await Scope.Content.ListStatusesAsync(new ListStatusesRequest(), cancellationToken: Cancellation);
        Assert.Multiple(async () =>
        {
            Assert.That(thrown!.Kind, Is.EqualTo(ContainerdErrorKind.FailedPrecondition));
            Assert.That(thrown.Operation, Is.EqualTo("Content.Write"));
            Assert.That(await Scope.ContentStore.ExistsAsync(otherDigest, Cancellation), Is.False);
            Assert.That(ingests.Statuses.Select(status => status.Ref), Does.Not.Contain(blob.Ref), "the bad ingest is aborted");
        });
    }

    [Test]
    public async Task InterruptedWriteResumesAtTheIngestedOffset()
    {
        var (data, digest) = RandomBlob(ContentWriteSession.ChunkSize + 500);
        await using var lease = await Scope.CreateLeaseAsync(TimeSpan.FromMinutes(10), Cancellation);
        var blob = new BlobWrite(digest, data.Length) { Ref = $"faasd-test-resume-{digest[7..19]}" };

        // First attempt: the source dies after the first chunk.
        BlobSource failing = (offset, _) => Task.FromResult<Stream>(new FailAfterStream(data, (int)offset, ContentWriteSession.ChunkSize));
        Assert.ThrowsAsync<IOException>(async () => await lease.Scope.ContentStore.WriteAsync(blob, failing, Cancellation));

        long resumedAt = -1;
        BlobSource resuming = (offset, _) =>
        {
            resumedAt = offset;
            return Task.FromResult<Stream>(new MemoryStream(data, (int)offset, data.Length - (int)offset, writable: false));
        };
        var outcome = await lease.Scope.ContentStore.WriteAsync(blob, resuming, Cancellation);

        Assert.Multiple(async () =>
        {
            Assert.That(outcome, Is.EqualTo(BlobWriteOutcome.Written));
            Assert.That(resumedAt, Is.EqualTo(ContentWriteSession.ChunkSize));
            Assert.That(await lease.Scope.ContentStore.ExistsAsync(digest, Cancellation), Is.True);
        });
    }

    /// <summary>Serves <c>limit</c> bytes, then fails like a dropped registry connection.</summary>
    private sealed class FailAfterStream(byte[] data, int start, int limit) : MemoryStream(data, start, data.Length - start, writable: false)
    {
        private int _served;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_served >= limit)
            {
                throw new IOException("connection reset by registry");
            }

            var read = await base.ReadAsync(buffer[..Math.Min(buffer.Length, limit - _served)], cancellationToken);
            _served += read;
            return read;
        }
    }
}
