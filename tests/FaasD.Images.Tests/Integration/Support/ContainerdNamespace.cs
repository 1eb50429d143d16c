using FaasD.Containerd;
using FaasD.Containerd.Api.Images;
using FaasD.Containerd.Api.Snapshots;
using FaasD.Containerd.Errors;
using FaasD.TestSupport;

namespace FaasD.Images.Tests.Integration.Support;

/// <summary>A containerd namespace of one test's own (<c>faasd-test-&lt;suffix&gt;</c>), emptied and removed afterwards.</summary>
internal sealed class ContainerdNamespace : IAsyncDisposable
{
    private ContainerdNamespace(ContainerdClient client, string name)
    {
        Client = client;
        Name = name;
        Scope = client.Namespace(name);
    }

    public ContainerdClient Client { get; }

    public string Name { get; }

    public ContainerdScope Scope { get; }

    public static ContainerdNamespace Create() =>
        new(new ContainerdClient(new ContainerdClientOptions { SocketPath = TestEnvironment.ContainerdSocket }), $"faasd-test-{TestEnvironment.UniqueSuffix()}");

    public async Task<bool> SnapshotExistsAsync(string key)
    {
        try
        {
            await Scope.Snapshots.StatAsync(new StatSnapshotRequest { Snapshotter = "overlayfs", Key = key });
            return true;
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Deleting the images with sync makes containerd collect their content and snapshots before answering.
            var images = await Scope.Images.ListAsync(new ListImagesRequest());
            foreach (var image in images.Images)
            {
                await Scope.Images.DeleteAsync(new DeleteImageRequest { Name = image.Name, Sync = true });
            }

            using var snapshots = Scope.Snapshots.List(new ListSnapshotsRequest { Snapshotter = "overlayfs" });
            var keys = new List<string>();
            while (await snapshots.ResponseStream.MoveNext(CancellationToken.None))
            {
                keys.AddRange(snapshots.ResponseStream.Current.Info.Select(info => info.Name));
            }

            // Children first: a snapshot with children cannot be removed.
            foreach (var key in keys.AsEnumerable().Reverse())
            {
                await RemoveSnapshotQuietlyAsync(key);
            }

            await Scope.Namespaces.DeleteAsync(new Containerd.Api.Namespaces.DeleteNamespaceRequest { Name = Name });
        }
        catch (ContainerdException exception)
        {
            await NUnit.Framework.TestContext.Progress.WriteLineAsync($"cleanup of namespace {Name} incomplete: {exception.Message}");
        }
        finally
        {
            Client.Dispose();
        }
    }

    private async Task RemoveSnapshotQuietlyAsync(string key)
    {
        try
        {
            await Scope.Snapshots.RemoveAsync(new RemoveSnapshotRequest { Snapshotter = "overlayfs", Key = key });
        }
        catch (ContainerdException)
        {
            // Collected meanwhile, or still has a child; the namespace delete reports what is left.
        }
    }
}
