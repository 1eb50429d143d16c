using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using FaasD.Containerd.Api.Diff;
using FaasD.Containerd.Api.Snapshots;
using FaasD.Containerd.Api.Types;
using FaasD.Containerd.Content;
using FaasD.Containerd.Tests.Integration.Support;
using NUnit.Framework;

namespace FaasD.Containerd.Tests.Integration;

/// <summary>The unpack path the image layer builds on: blob → prepared snapshot → diff apply → commit → view.</summary>
public sealed class SnapshotsAndDiffTests : ContainerdTestBase
{
    private const string Snapshotter = "overlayfs";
    private const string LayerMediaType = "application/vnd.oci.image.layer.v1.tar";

    [Test]
    public async Task LayerAppliedOntoASnapshotIsVisibleInAViewOfTheCommit()
    {
        var layer = Layer("hello.txt", "hi from faasd");
        var digest = $"sha256:{Convert.ToHexStringLower(SHA256.HashData(layer))}";
        await using var lease = await Scope.CreateLeaseAsync(TimeSpan.FromMinutes(10), Cancellation);
        var leased = lease.Scope;
        await leased.ContentStore.WriteAsync(new BlobWrite(digest, layer.Length), layer, Cancellation);

        var extractKey = $"extract-{digest}";
        var prepared = await leased.Snapshots.PrepareAsync(
            new PrepareSnapshotRequest { Snapshotter = Snapshotter, Key = extractKey }, cancellationToken: Cancellation);
        var applied = await leased.Diff.ApplyAsync(
            new ApplyRequest
            {
                Diff = new ContentDescriptor { MediaType = LayerMediaType, Digest = digest, Size = layer.Length },
                Mounts = { prepared.Mounts },
            },
            cancellationToken: Cancellation);
        await leased.Snapshots.CommitAsync(
            new CommitSnapshotRequest { Snapshotter = Snapshotter, Name = digest, Key = extractKey }, cancellationToken: Cancellation);

        var committed = await leased.Snapshots.StatAsync(
            new StatSnapshotRequest { Snapshotter = Snapshotter, Key = digest }, cancellationToken: Cancellation);
        var view = await leased.Snapshots.ViewAsync(
            new ViewSnapshotRequest { Snapshotter = Snapshotter, Key = $"view-{digest}", Parent = digest }, cancellationToken: Cancellation);

        Assert.Multiple(() =>
        {
            // An uncompressed layer's diff id is its own digest.
            Assert.That(applied.Applied.Digest, Is.EqualTo(digest));
            Assert.That(committed.Info.Kind, Is.EqualTo(Kind.Committed));
            Assert.That(view.Mounts, Has.Count.EqualTo(1));
            // A view of a single layer is a read-only bind mount of the layer directory: read it without mounting.
            Assert.That(view.Mounts[0].Type, Is.EqualTo("bind"));
            Assert.That(File.ReadAllText(Path.Combine(view.Mounts[0].Source, "hello.txt")), Is.EqualTo("hi from faasd"));
        });

        await leased.Snapshots.RemoveAsync(new RemoveSnapshotRequest { Snapshotter = Snapshotter, Key = $"view-{digest}" }, cancellationToken: Cancellation);
        await leased.Snapshots.RemoveAsync(new RemoveSnapshotRequest { Snapshotter = Snapshotter, Key = digest }, cancellationToken: Cancellation);
    }

    private static byte[] Layer(string fileName, string content)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, fileName)
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            writer.WriteEntry(entry);
        }

        return tar.ToArray();
    }
}
