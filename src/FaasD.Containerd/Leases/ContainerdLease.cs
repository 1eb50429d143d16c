using FaasD.Containerd.Api.Leases;

namespace FaasD.Containerd.Leases;

/// <summary>
/// A lease held for one multi-step operation (pull, unpack). Work through <see cref="Scope"/> so every object it
/// creates is protected from garbage collection until the operation has linked it to something permanent
/// (an image record, a container); <c>await using</c> deletes the lease afterwards.
/// </summary>
public sealed partial class ContainerdLease : IAsyncDisposable
{
    /// <summary>Deleting a lease is one quick call; don't let a wedged daemon hang a dispose.</summary>
    private static readonly TimeSpan s_deleteTimeout = TimeSpan.FromSeconds(10);

    private readonly Api.Leases.Leases.LeasesClient _leases;
    private readonly ILogger _logger;
    private int _disposed;

    private ContainerdLease(Api.Leases.Leases.LeasesClient leases, ILogger logger) => (_leases, _logger) = (leases, logger);

    public required string Id { get; init; }

    /// <summary>When containerd drops the lease by itself if we never delete it (after a crash, say).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The namespace's services with every call made under this lease.</summary>
    public required ContainerdScope Scope { get; init; }

    internal static async Task<ContainerdLease> CreateAsync(
        ContainerdScope owner,
        TimeSpan expiresAfter,
        ContainerdScopeDependencies dependencies,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(expiresAfter, TimeSpan.Zero);
        var expiresAt = dependencies.TimeProvider.GetUtcNow() + expiresAfter;
        var request = new CreateRequest { Id = $"faasd-{Guid.NewGuid():N}" };
        request.Labels.Add(LeaseLabels.Expire, LeaseLabels.FormatExpiry(expiresAt));
        request.Labels.Add(LeaseLabels.OwnerPid, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var response = await owner.Leases.CreateAsync(request, cancellationToken: cancellationToken);
        var logger = dependencies.LoggerFactory.CreateLogger<ContainerdLease>();
        Log.Created(logger, response.Lease.Id, owner.Namespace, expiresAt);
        return new ContainerdLease(owner.Leases, logger) { Id = response.Lease.Id, ExpiresAt = expiresAt, Scope = owner.WithLease(response.Lease.Id) };
    }

    /// <summary>Deletes the lease. Never throws: a lease we fail to delete still expires at <see cref="ExpiresAt"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(s_deleteTimeout);
        try
        {
            await _leases.DeleteAsync(new DeleteRequest { Id = Id }, cancellationToken: timeout.Token);
            Log.Deleted(_logger, Id, Scope.Namespace);
        }
        catch (ContainerdException exception) when (exception.Kind == ContainerdErrorKind.NotFound)
        {
            // Already gone: expired and collected, or deleted by someone cleaning up.
        }
        catch (Exception exception) when (exception is ContainerdException or OperationCanceledException)
        {
            Log.DeleteFailed(_logger, Id, Scope.Namespace, ExpiresAt, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Created, Level = LogLevel.Debug, Message = "Lease {LeaseId} created in namespace {Namespace}, expires {ExpiresAt:o}")] public static partial void Created(ILogger logger, string leaseId, string? @namespace, DateTimeOffset expiresAt);

        [LoggerMessage(EventId = LogEvents.Deleted, Level = LogLevel.Debug, Message = "Lease {LeaseId} deleted in namespace {Namespace}")] public static partial void Deleted(ILogger logger, string leaseId, string? @namespace);

        [LoggerMessage(EventId = LogEvents.DeleteFailed, Level = LogLevel.Warning, Message = "Could not delete lease {LeaseId} in namespace {Namespace}; containerd drops it at {ExpiresAt:o}")] public static partial void DeleteFailed(ILogger logger, string leaseId, string? @namespace, DateTimeOffset expiresAt, Exception exception);
    }
}
