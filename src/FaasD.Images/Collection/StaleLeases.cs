using System.Globalization;
using FaasD.Containerd.Leases;
using LeasesApi = FaasD.Containerd.Api.Leases;

namespace FaasD.Images.Collection;

/// <summary>
/// At start, deletes the leases a killed FaasD process left in FaasD's namespaces (a kill -9 mid-pull or mid-create
/// skips the lease's dispose): each names its process (<see cref="LeaseLabels.OwnerPid"/>), and one whose process
/// no longer runs protects nothing any more. Left alone they would pin content and snapshots for 24 h.
/// Leases of a live process (another daemon, a `faasd image pull` running now) are kept.
/// </summary>
internal static class StaleLeases
{
    public static async Task<int> DeleteAsync(ContainerdClient containerd, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var @namespace in await FaasdNamespaces.ListAsync(containerd, cancellationToken))
        {
            var scope = containerd.Namespace(@namespace);
            var leases = await scope.Leases.ListAsync(new LeasesApi.ListRequest(), cancellationToken: cancellationToken);
            foreach (var lease in leases.Leases)
            {
                if (!lease.Id.StartsWith("faasd-", StringComparison.Ordinal)
                    || !lease.Labels.TryGetValue(LeaseLabels.OwnerPid, out var owner)
                    || !int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    || pid == Environment.ProcessId
                    || Directory.Exists($"/proc/{pid}"))
                {
                    continue;
                }

                try
                {
                    await scope.Leases.DeleteAsync(new LeasesApi.DeleteRequest { Id = lease.Id }, cancellationToken: cancellationToken);
                    deleted++;
                }
                catch (ContainerdException ex) when (ex.Kind == ContainerdErrorKind.NotFound)
                {
                }
            }
        }

        return deleted;
    }
}
