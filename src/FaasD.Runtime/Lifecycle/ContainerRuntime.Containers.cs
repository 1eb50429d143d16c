using FaasD.Containerd.Specs;
using FaasD.Runtime.Users;
using Grpc.Core;

namespace FaasD.Runtime.Lifecycle;

internal sealed partial class ContainerRuntime
{
    /// <summary>
    /// How long a crashed create's snapshot stays protected. Long (containerd's client uses 24 h too), so the
    /// next create or delete removes the orphan explicitly: when the collector takes a child snapshot,
    /// containerd 1.6 leaves its parent (the image) impossible to remove (containerd#11908).
    /// </summary>
    private static readonly TimeSpan s_createLeaseLifetime = TimeSpan.FromHours(24);

    public Task CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return RuntimeErrors.TranslateAsync(() => CreateContainerCoreAsync(spec, cancellationToken));
    }

    public Task<IReadOnlyList<ContainerRecord>> ListContainersAsync(string @namespace, CancellationToken cancellationToken) =>
        RuntimeErrors.TranslateAsync<IReadOnlyList<ContainerRecord>>(async () =>
        {
            ContainerNames.ValidateNamespace(@namespace);
            var records = new List<ContainerRecord>();
            // Streamed: one List response holding every payload could pass the 16 MiB message limit.
            using var call = ScopeOf(@namespace).Containers.ListStream(new ContainersApi.ListContainersRequest(), cancellationToken: cancellationToken);
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                records.Add(RecordOf(@namespace, message.Container));
            }

            return records;
        });

    public Task<ContainerRecord?> GetContainerAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        RuntimeErrors.TranslateAsync(async () =>
        {
            ContainerNames.Validate(@namespace, id);
            var container = await FindContainerAsync(ScopeOf(@namespace), id, cancellationToken);
            return container is null ? null : RecordOf(@namespace, container);
        });

    public Task SetContainerLabelsAsync(string @namespace, string id, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return RuntimeErrors.TranslateAsync(async () =>
        {
            ContainerNames.Validate(@namespace, id);
            var scope = ScopeOf(@namespace);
            RequireManaged(scope, await FindContainerAsync(scope, id, cancellationToken)
                ?? throw new RuntimeException(RuntimeErrorKind.NotFound, $"container {@namespace}/{id} does not exist"));

            // Only the named labels are written (containerd's field mask), so the others and the spec stay as they are.
            var update = new ContainersApi.UpdateContainerRequest
            {
                Container = new ContainersApi.Container { Id = id },
                UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask(),
            };
            foreach (var (key, value) in labels)
            {
                update.Container.Labels[key] = value;
                update.UpdateMask.Paths.Add("labels." + key);
            }

            await scope.Containers.UpdateAsync(update, cancellationToken: cancellationToken);
        });
    }

    public Task DeleteContainerAsync(string @namespace, string id, CancellationToken cancellationToken) =>
        RuntimeErrors.TranslateAsync(async () =>
        {
            ContainerNames.Validate(@namespace, id);
            var scope = ScopeOf(@namespace);
            await RequireManagedAsync(scope, id, cancellationToken);

            // A leftover task holds the rootfs mount and the cgroup; nobody waits on it any more, so no grace.
            await StopTaskCoreAsync(@namespace, id, TimeSpan.Zero, cancellationToken);

            // Snapshot before container, as containerd's own client does: once the container record is gone the
            // garbage collector may take the snapshot first, and containerd 1.6 then leaves a dangling child entry
            // that makes the image's snapshot impossible to remove (containerd#11908).
            // Removed even without a container: that is the orphan of a create that crashed half-way.
            var container = await FindContainerAsync(scope, id, cancellationToken);
            var snapshotter = string.IsNullOrEmpty(container?.Snapshotter) ? _options.Snapshotter : container.Snapshotter;
            var snapshotKey = string.IsNullOrEmpty(container?.SnapshotKey) ? ContainerNames.SnapshotKey(id) : container.SnapshotKey;
            await IgnoreNotFoundAsync(async () => await scope.Snapshots.RemoveAsync(
                new SnapshotsApi.RemoveSnapshotRequest { Snapshotter = snapshotter, Key = snapshotKey },
                cancellationToken: cancellationToken));

            if (container is not null)
            {
                await IgnoreNotFoundAsync(async () => await scope.Containers.DeleteAsync(new ContainersApi.DeleteContainerRequest { Id = id }, cancellationToken: cancellationToken));
            }

            _logs.Delete(@namespace, id);
            _ownedCopies.Delete(@namespace, id);
            Log.ContainerDeleted(_logger, @namespace, id);
        });

    private async Task CreateContainerCoreAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        ContainerNames.Validate(spec.Namespace, spec.Id);
        var scope = ScopeOf(spec.Namespace);
        if (await FindContainerAsync(scope, spec.Id, cancellationToken) is not null)
        {
            throw new RuntimeException(RuntimeErrorKind.AlreadyExists, $"container {spec.Namespace}/{spec.Id} already exists");
        }

        var image = await _images.GetAsync(spec.Namespace, spec.Image, cancellationToken)
            ?? throw new RuntimeException(RuntimeErrorKind.NotFound, $"image {spec.Image} is not in namespace {spec.Namespace}; ensure it first");

        // The lease protects the new snapshot from the garbage collector until the container that references it exists.
        await using var lease = await scope.CreateLeaseAsync(s_createLeaseLifetime, cancellationToken);
        var snapshotKey = ContainerNames.SnapshotKey(spec.Id);
        var mounts = await PrepareSnapshotAsync(lease.Scope, snapshotKey, image.ChainId, cancellationToken);

        var user = await ResolveUserAsync(mounts, string.IsNullOrEmpty(spec.User) ? image.Process.User : spec.User, cancellationToken);
        var cgroups = await _cgroups.GetAsync(cancellationToken);
        spec = spec with { Mounts = await _ownedCopies.PrepareAsync(spec.Namespace, spec.Id, spec.Mounts, user, cancellationToken) };
        var oci = _specBuilder.Build(spec, new OciSpecContext(
            image.Process,
            user,
            _network.NetnsPathFor(ContainerNames.NetworkId(spec.Namespace, spec.Id)),
            CgroupsPathOf(spec.Namespace, spec.Id),
            cgroups.Controllers));

        var container = new ContainersApi.Container
        {
            Id = spec.Id,
            Image = image.Name,
            Runtime = new ContainersApi.Container.Types.Runtime { Name = _options.Runtime },
            Spec = OciSpecAny.PackSpec(OciJson.Serialize(oci)),
            Snapshotter = _options.Snapshotter,
            SnapshotKey = snapshotKey,
            Labels = { spec.Labels.ToDictionary() },
        };
        container.Labels[RuntimeLabels.Managed] = "true";
        if (!spec.Payload.IsEmpty)
        {
            container.Extensions.Add(PayloadExtension.Key, PayloadExtension.Pack(spec.Payload));
        }

        try
        {
            await lease.Scope.Containers.CreateAsync(new ContainersApi.CreateContainerRequest { Container = container }, cancellationToken: cancellationToken);
        }
        catch (ContainerdException exception) when (exception.IsAlreadyExists())
        {
            throw new RuntimeException(RuntimeErrorKind.AlreadyExists, $"container {spec.Namespace}/{spec.Id} already exists", exception);
        }

        Log.ContainerCreated(_logger, spec.Namespace, spec.Id, image.Name);
    }

    /// <summary>
    /// A fresh writable snapshot on top of the image. One that is already there belongs to no container (we
    /// checked), so it is the orphan of a crashed create, possibly of another image: replace it.
    /// </summary>
    private async Task<IReadOnlyList<RootfsMount>> PrepareSnapshotAsync(ContainerdScope scope, string key, string parent, CancellationToken cancellationToken)
    {
        var prepare = new SnapshotsApi.PrepareSnapshotRequest { Snapshotter = _options.Snapshotter, Key = key, Parent = parent };
        try
        {
            return MountsOf((await scope.Snapshots.PrepareAsync(prepare, cancellationToken: cancellationToken)).Mounts);
        }
        catch (ContainerdException exception) when (exception.IsAlreadyExists())
        {
            Log.OrphanSnapshotReplaced(_logger, key, scope.Namespace ?? string.Empty);
        }

        await IgnoreNotFoundAsync(async () => await scope.Snapshots.RemoveAsync(
            new SnapshotsApi.RemoveSnapshotRequest { Snapshotter = _options.Snapshotter, Key = key },
            cancellationToken: cancellationToken));
        return MountsOf((await scope.Snapshots.PrepareAsync(prepare, cancellationToken: cancellationToken)).Mounts);
    }

    private static async Task<ProcessUser> ResolveUserAsync(IReadOnlyList<RootfsMount> mounts, string? user, CancellationToken cancellationToken)
    {
        var passwd = await RootfsFiles.ReadAsync(mounts, "/etc/passwd", cancellationToken);
        var group = await RootfsFiles.ReadAsync(mounts, "/etc/group", cancellationToken);
        return new UserDatabase(passwd, group).Resolve(user);
    }

    /// <summary>Refuses to act on a container FaasD did not create (see <see cref="RuntimeLabels.Managed"/>); a missing one is fine.</summary>
    private static async Task RequireManagedAsync(ContainerdScope scope, string id, CancellationToken cancellationToken)
    {
        if (await FindContainerAsync(scope, id, cancellationToken) is { } container)
        {
            RequireManaged(scope, container);
        }
    }

    private static void RequireManaged(ContainerdScope scope, ContainersApi.Container container)
    {
        if (!RuntimeLabels.IsManaged(container.Labels))
        {
            throw new RuntimeException(
                RuntimeErrorKind.FailedPrecondition,
                $"container {scope.Namespace}/{container.Id} was not created by FaasD: it is left alone");
        }
    }

    private static async Task<ContainersApi.Container?> FindContainerAsync(ContainerdScope scope, string id, CancellationToken cancellationToken)
    {
        try
        {
            return (await scope.Containers.GetAsync(new ContainersApi.GetContainerRequest { Id = id }, cancellationToken: cancellationToken)).Container;
        }
        catch (ContainerdException exception) when (exception.IsNotFound())
        {
            return null;
        }
    }

    private static ContainerRecord RecordOf(string @namespace, ContainersApi.Container container) =>
        new(
            @namespace,
            container.Id,
            container.Image,
            new Dictionary<string, string>(container.Labels),
            PayloadExtension.Unpack(container.Extensions),
            container.CreatedAt?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch);

    private static List<RootfsMount> MountsOf(IEnumerable<TypesApi.Mount> mounts) =>
        [.. mounts.Select(m => new RootfsMount(m.Type, m.Source, [.. m.Options]))];

    private static async Task IgnoreNotFoundAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (ContainerdException exception) when (exception.IsNotFound())
        {
            // Already gone: the step this call would have done is done.
        }
    }
}
