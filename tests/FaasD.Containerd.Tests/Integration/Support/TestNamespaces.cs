using System.Globalization;
using FaasD.Containerd.Api.Content;
using FaasD.Containerd.Api.Leases;
using FaasD.Containerd.Api.Namespaces;
using FaasD.Containerd.Api.Snapshots;
using FaasD.Containerd.Errors;
using FaasD.TestSupport;
using Grpc.Core;

namespace FaasD.Containerd.Tests.Integration.Support;

/// <summary>
/// Creates and removes the containerd namespaces these tests use. Ours carry an owner label and a creation time,
/// so leftovers of a crashed run are swept without touching namespaces other test projects are using right now.
/// </summary>
internal static class TestNamespaces
{
    private const string OwnerLabel = "faasd.test/owner";
    private const string CreatedLabel = "faasd.test/created";
    private const string Owner = "FaasD.Containerd.Tests";
    private static readonly TimeSpan s_leftoverAge = TimeSpan.FromMinutes(30);

    public static string NewName() => $"faasd-test-{TestEnvironment.UniqueSuffix()}";

    public static Dictionary<string, string> OwnerLabels() => new()
    {
        [OwnerLabel] = Owner,
        [CreatedLabel] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
    };

    public static Task<string> CreateAsync(ContainerdClient client, CancellationToken cancellationToken) =>
        CreateAsync(client, NewName(), cancellationToken);

    public static async Task<string> CreateAsync(ContainerdClient client, string name, CancellationToken cancellationToken)
    {
        var create = new CreateNamespaceRequest { Namespace = new Namespace { Name = name } };
        create.Namespace.Labels.Add(OwnerLabels());
        // From the namespace's own scope: containerd publishes /namespaces/create under the caller's namespace.
        await client.Namespace(name).Namespaces.CreateAsync(create, cancellationToken: cancellationToken);
        return name;
    }

    /// <summary>Removes leftovers of earlier runs of this project that died before their cleanup.</summary>
    public static async Task SweepLeftoversAsync(ContainerdClient client, CancellationToken cancellationToken)
    {
        var all = await client.Global.Namespaces.ListAsync(new ListNamespacesRequest(), cancellationToken: cancellationToken);
        foreach (var ns in all.Namespaces)
        {
            if (ns.Labels.TryGetValue(OwnerLabel, out var owner) && owner == Owner
                && ns.Labels.TryGetValue(CreatedLabel, out var created)
                && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var createdAt)
                && DateTimeOffset.UtcNow - createdAt > s_leftoverAge)
            {
                await DeleteAsync(client, ns.Name, cancellationToken);
            }
        }
    }

    /// <summary>Deletes what these tests create in a namespace (leases, blobs, ingests), then the namespace; missing is fine.</summary>
    public static async Task DeleteAsync(ContainerdClient client, string name, CancellationToken cancellationToken)
    {
        var scope = client.Namespace(name);
        try
        {
            var leases = await scope.Leases.ListAsync(new ListRequest(), cancellationToken: cancellationToken);
            foreach (var lease in leases.Leases)
            {
                await IgnoreNotFound(scope.Leases.DeleteAsync(new DeleteRequest { Id = lease.Id, Sync = true }, cancellationToken: cancellationToken).ResponseAsync);
            }

            var ingests = await scope.Content.ListStatusesAsync(new ListStatusesRequest(), cancellationToken: cancellationToken);
            foreach (var ingest in ingests.Statuses)
            {
                await IgnoreNotFound(scope.Content.AbortAsync(new AbortRequest { Ref = ingest.Ref }, cancellationToken: cancellationToken).ResponseAsync);
            }

            using var blobs = scope.Content.List(new ListContentRequest(), cancellationToken: cancellationToken);
            var digests = new List<string>();
            await foreach (var page in blobs.ResponseStream.ReadAllAsync(cancellationToken))
            {
                digests.AddRange(page.Info.Select(info => info.Digest));
            }

            foreach (var digest in digests)
            {
                await IgnoreNotFound(scope.Content.DeleteAsync(new DeleteContentRequest { Digest = digest }, cancellationToken: cancellationToken).ResponseAsync);
            }

            await RemoveSnapshotsAsync(scope, cancellationToken);
            await IgnoreNotFound(scope.Namespaces.DeleteAsync(new DeleteNamespaceRequest { Name = name }, cancellationToken: cancellationToken).ResponseAsync);
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
        {
        }
    }

    /// <summary>Children before parents: a snapshot with children cannot be removed, so sweep until none is left.</summary>
    private static async Task RemoveSnapshotsAsync(ContainerdScope scope, CancellationToken cancellationToken)
    {
        for (var pass = 0; pass < 10; pass++)
        {
            using var listing = scope.Snapshots.List(new ListSnapshotsRequest { Snapshotter = "overlayfs" }, cancellationToken: cancellationToken);
            var infos = new List<FaasD.Containerd.Api.Snapshots.Info>();
            await foreach (var page in listing.ResponseStream.ReadAllAsync(cancellationToken))
            {
                infos.AddRange(page.Info);
            }

            if (infos.Count == 0)
            {
                return;
            }

            var parents = infos.Select(info => info.Parent).ToHashSet();
            foreach (var leaf in infos.Where(info => !parents.Contains(info.Name)))
            {
                await IgnoreNotFound(scope.Snapshots.RemoveAsync(
                    new RemoveSnapshotRequest { Snapshotter = "overlayfs", Key = leaf.Name }, cancellationToken: cancellationToken).ResponseAsync);
            }
        }
    }

    private static async Task IgnoreNotFound(Task call)
    {
        try
        {
            await call;
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
        {
        }
    }
}
